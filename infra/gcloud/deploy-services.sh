#!/usr/bin/env bash
# Deploys the apps to Cloud Run with their runtime service accounts and IAM, and a Cloud Scheduler
# job per scheduler task of each service, all as services.auto.tfvars.json (generated from the
# services table, packages/topology/src/services/table.ts) describes them. A service is
# redeployed only when its settings (image digest, env, sizing) changed: a label holds their hash.
# Runtime accounts get logs, traces and the platform's Firestore database; their publish rights
# are per topic, granted by deploy-bus.sh once the topics exist.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<USAGE
usage: deploy-services.sh --project ID --image-tag TAG --operators EMAILS [--env dev|prod]
                          [--secret-versions SECRET=N,...] [--region REGION] [--repository NAME]
                          [--push-service-account EMAIL] [--tfvars FILE] [--services FILE]
                          [--only APP] [--dry-run]

  --image-tag             tag of the images in <region>-docker.pkg.dev/<project>/<repository>/<app>;
                          each is resolved to its digest, and the service runs that digest
  --operators             comma-separated operator emails: OPERATOR_ALLOW_LIST of the services with
                          operator routes, and run.invoker on the IAM-only ones (replay)
  --secret-versions       pinned version of every secret the services read, e.g.
                          stripe-webhook-secret=3 (never latest; infra/README.md "Secrets")
  --env                   which environments/<env>/{services,bus}.auto.tfvars.json to read
  --push-service-account  push identity the apps accept (PUSH_SERVICE_ACCOUNT) and the scheduler
                          jobs sign as (default pubsub-push@<project>.iam.gserviceaccount.com);
                          pass the same to bootstrap.sh and deploy-bus.sh
  --tfvars                bus file to read instead of environments/<env>/bus.auto.tfvars.json
  --services              services file to read instead of environments/<env>/services.auto.tfvars.json
  --only                  deploy one app
  --dry-run               print every change instead of making it (reads still run)
USAGE
}

project=${CLOUDSDK_CORE_PROJECT:-}
env=dev
region=europe-west1
repository=gpuaas
image_tag=
only=
push_sa=
tfvars=
services_file=
operators=
secret_versions=
while (($#)); do
  case $1 in
    --project) project=$2; shift 2 ;;
    --image-tag) image_tag=$2; shift 2 ;;
    --env) env=$2; shift 2 ;;
    --region) region=$2; shift 2 ;;
    --repository) repository=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --push-service-account) push_sa=$2; shift 2 ;;
    --tfvars) tfvars=$2; shift 2 ;;
    --services) services_file=$2; shift 2 ;;
    --operators) operators=$2; shift 2 ;;
    --secret-versions) secret_versions=$2; shift 2 ;;
    --dry-run) DRY_RUN=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument $1" ;;
  esac
done
[[ -n $project ]] || die "--project is required"
[[ -n $image_tag ]] || die "--image-tag is required"
[[ -n $operators ]] || die "--operators is required (the operator emails)"
[[ $operators =~ ^[^,[:space:]@]+@[^,[:space:]@]+(,[^,[:space:]@]+@[^,[:space:]@]+)*$ ]] ||
  die "--operators must be comma-separated emails"
[[ $env == dev || $env == prod ]] || die "--env must be dev or prod"
tfvars=${tfvars:-$INFRA_DIR/terraform/environments/$env/bus.auto.tfvars.json}
services_file=${services_file:-$INFRA_DIR/terraform/environments/$env/services.auto.tfvars.json}
for file in "$tfvars" "$services_file"; do
  [[ -f $file ]] || die "$file not found (generate it: pnpm --filter @gpuaas/topology generate)"
done
push_sa=${push_sa:-pubsub-push@$project.iam.gserviceaccount.com}

# Everything is read and checked before the first change.
services=$(node "$GCLOUD_LIB_DIR/services-table.mjs" services "$services_file" "$secret_versions") || exit 1
tasks=$(node "$GCLOUD_LIB_DIR/services-table.mjs" tasks "$services_file") || exit 1
retention_env=$(node "$GCLOUD_LIB_DIR/services-table.mjs" retention-env "$services_file") || exit 1
if [[ -n $only ]] && ! cut -f1 <<<"$services" | grep -qx "$only"; then
  die "--only $only: not a service in $services_file"
fi
# Per service some subscription pushes to (replay's archives included): the largest ack deadline,
# and the strictest timings it runs its push apps with; an archive has no lease of its own and
# counts as half its ack deadline (packages/eventing's default).
deliveries=$(bus_query "$tfvars" "(() => {
  const all = [
    ...bus.subscriptions,
    ...bus.archive_subscriptions.map((s) => ({ ...s, lease_seconds: Math.floor(s.ack_deadline_seconds / 2) })),
  ];
  return [...new Set(all.map((s) => s.service))].map((service) => {
    const mine = all.filter((s) => s.service === service);
    const acks = mine.map((s) => s.ack_deadline_seconds);
    const leases = mine.map((s) => s.lease_seconds);
    return [service, Math.max(...acks), 'ACK_DEADLINE_SECONDS=' + Math.min(...acks) + ',LEASE_SECONDS=' + Math.min(...leases)].join('\\t');
  });
})()")
# Timeouts nest: consumer lease < ack deadline < request timeout, per service.
while IFS=$'\t' read -r app _ _ _ _ _ _ _ timeout _ _; do
  max_ack=$(awk -F'\t' -v app="$app" '$1 == app { print $2 }' <<<"$deliveries")
  ((${max_ack:-0} < timeout)) ||
    die "an ack deadline in $tfvars is $max_ack s, not below the request timeout ($timeout s) of $app: Cloud Run would cut requests Pub/Sub still waits for (timeouts nest: lease < ack deadline < request timeout)"
done <<<"$services"

project_number=$(read_quietly projects describe "$project" --format='value(projectNumber)') ||
  die "cannot read project $project (gcloud auth login? gcloud projects describe $project)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
read_quietly projects get-iam-policy "$project" --format=json >"$work/policy.json" || echo '{}' >"$work/policy.json"

# Firestore IAM is project-level: a condition limits datastore.user to the platform's database.
firestore_condition="expression=resource.name == \"projects/$project/databases/(default)\",title=firestore-(default),description=Only the platform's Firestore database"
ensure_firestore_user() {
  local member=$1
  if node -e '
    const policy = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
    const [member, expression] = process.argv.slice(2);
    const has = (policy.bindings ?? []).some((b) => b.role === "roles/datastore.user" && b.condition?.expression === expression && b.members.includes(member));
    process.exit(has ? 0 : 1);
  ' "$work/policy.json" "$member" "resource.name == \"projects/$project/databases/(default)\""; then
    return 0
  fi
  change projects add-iam-policy-binding "$project" --role=roles/datastore.user --member="$member" \
    --condition="$firestore_condition" --format=none
}

# The digest a tag points at now: the service runs that, so a re-pushed tag changes nothing.
image_digest() {
  read_quietly artifacts docker images describe "$1" --project="$project" --format='value(image_summary.digest)'
}

# Grants the project roles a member lacks, reading the policy once.
ensure_project_roles() {
  local member=$1 role
  shift
  for role in $(node -e '
    const policy = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
    const [member, ...roles] = process.argv.slice(2);
    const has = (role) => (policy.bindings ?? []).some((b) => b.role === role && !b.condition && b.members.includes(member));
    console.log(roles.filter((role) => !has(role)).join("\n"));
  ' "$work/policy.json" "$member" "$@"); do
    change projects add-iam-policy-binding "$project" --role="$role" --member="$member" --condition=None --format=none || return 1
  done
}

# Calls POST <service URL><path> on schedule with the push account's OIDC token for the service's
# audience, as a push is authenticated; the job is `<task>-<service>`.
# A failed tick is retried a little, then left to the next tick (every task is idempotent).
ensure_scheduler_job() {
  local app=$1 url=$2 task=$3 path=$4 schedule=$5 description=$6 deadline=$7 retries=$8
  local min_backoff=$9 max_backoff=${10}
  local job="$task-$app"
  local -a flags=(--location="$region" --schedule="$schedule" --time-zone=Etc/UTC
    --uri="$url$path" --http-method=POST
    --oidc-service-account-email="$push_sa" --oidc-token-audience="$url"
    --attempt-deadline="${deadline}s" --max-retry-attempts="$retries"
    --min-backoff="${min_backoff}s" --max-backoff="${max_backoff}s" --max-doublings=2
    --description="$description" --project="$project")
  local actual wanted
  if ! actual=$(read_quietly scheduler jobs describe "$job" --location="$region" --project="$project" \
    --format='value(schedule,httpTarget.uri,httpTarget.httpMethod,httpTarget.oidcToken.serviceAccountEmail,httpTarget.oidcToken.audience,attemptDeadline,retryConfig.retryCount)'); then
    change scheduler jobs create http "$job" "${flags[@]}"
    return
  fi
  wanted=$(printf '%s\t' "$schedule" "$url$path" POST "$push_sa" "$url" "${deadline}s" "$retries")
  if [[ "$actual"$'\t' == "$wanted" ]]; then
    log "$job: up to date"
  else
    change scheduler jobs update http "$job" "${flags[@]}"
  fi
}

# A service account just created takes a few seconds to be usable in IAM policies.
iam_attempts=1
iam_retry_delay_seconds=${IAM_RETRY_DELAY_SECONDS:-5}
with_iam_retry() {
  local attempt=1
  until "$@"; do
    ((attempt < iam_attempts)) || return 1
    log "retrying in ${iam_retry_delay_seconds}s (new service account not yet visible to IAM)"
    sleep "$iam_retry_delay_seconds"
    attempt=$((attempt + 1))
  done
}

while IFS=$'\t' read -r app ingress invoker min_instances max_instances cpu memory concurrency \
  request_timeout_seconds secrets app_env operator_api; do
  [[ -z $only || $app == "$only" ]] || continue
  runtime_sa="$app@$project.iam.gserviceaccount.com"
  iam_attempts=1
  if ! read_quietly iam service-accounts describe "$runtime_sa" --project="$project" >/dev/null; then
    change iam service-accounts create "$app" --display-name="Cloud Run runtime: $app" --project="$project"
    iam_attempts=5
  fi
  with_iam_retry ensure_project_roles "serviceAccount:$runtime_sa" roles/logging.logWriter roles/cloudtrace.agent
  with_iam_retry ensure_firestore_user "serviceAccount:$runtime_sa"

  # Same settings packages/eventing reads; the audience is Cloud Run's deterministic URL. The
  # platform's variables come last, so nothing in the service's own env overrides them.
  url="https://$app-$project_number.$region.run.app"
  env_vars=""
  [[ $app_env == - ]] || env_vars="$app_env,"
  env_vars+="GOOGLE_CLOUD_PROJECT=$project,PUSH_AUTH=oidc,PUSH_AUDIENCE=$url,PUSH_SERVICE_ACCOUNT=$push_sa"
  consumer_env=$(awk -F'\t' -v app="$app" '$1 == app { print "," $3 }' <<<"$deliveries")
  env_vars+="$consumer_env,$retention_env"
  if [[ $operator_api == operators ]]; then
    env_vars+=",OPERATOR_AUDIENCE=$url,OPERATOR_ALLOW_LIST=$operators"
    # The allow-list holds commas: gcloud then takes another delimiter, given as ^;^.
    [[ $operators != *,* ]] || env_vars="^;^$(sed 's/,\([A-Z_]*=\)/;\1/g' <<<"$env_vars")"
  fi

  image="$region-docker.pkg.dev/$project/$repository/$app"
  digest=$(image_digest "$image:$image_tag") && [[ $digest =~ ^sha256:[0-9a-f]{64}$ ]] ||
    die "$image:$image_tag not found (push it first; see infra/README.md \"Images\")"
  flags=(--image="$image@$digest" --region="$region"
    --service-account="$runtime_sa" --ingress="$ingress" --timeout="$request_timeout_seconds"
    --concurrency="$concurrency" --cpu="$cpu" --memory="$memory" --port=8080
    --min-instances="$min_instances" --max-instances="$max_instances" --set-env-vars="$env_vars")
  if [[ $secrets != - ]]; then
    flags+=(--set-secrets="$secrets")
    for pair in ${secrets//,/ }; do
      secret=${pair#*=}
      with_iam_retry ensure_binding roles/secretmanager.secretAccessor "serviceAccount:$runtime_sa" \
        secrets IAM "${secret%%:*}" --project="$project"
    done
  fi
  if [[ $invoker == public ]]; then flags+=(--allow-unauthenticated); else flags+=(--no-allow-unauthenticated); fi
  hash=$(printf '%s\n' "${flags[@]}" | sha256sum | cut -c1-16)
  deployed=$(read_quietly run services describe "$app" --region="$region" --project="$project" \
    --format='value(metadata.labels.gpuaas-config)') || deployed=
  if [[ $deployed == "$hash" ]]; then
    log "$app: up to date"
  else
    change run deploy "$app" "${flags[@]}" --labels="gpuaas-config=$hash" --project="$project" --quiet
  fi

  # Operators reach an IAM-only operator service (replay) by run.invoker.
  if [[ $operator_api == operators && $invoker != public ]]; then
    for email in ${operators//,/ }; do
      member="user:$email"
      [[ $email != *.gserviceaccount.com ]] || member="serviceAccount:$email"
      ensure_binding roles/run.invoker "$member" run services IAM "$app" --region="$region" --project="$project"
    done
  fi

  mine=$(awk -F'\t' -v app="$app" '$1 == app' <<<"$tasks")
  [[ -n $mine ]] || continue
  # The jobs sign as the push account: deploy-bus.sh lets it invoke push targets, this the rest.
  if ! cut -f1 <<<"$deliveries" | grep -qx "$app"; then
    ensure_binding roles/run.invoker "serviceAccount:$push_sa" run services IAM "$app" \
      --region="$region" --project="$project"
  fi
  while IFS=$'\t' read -r _ task path schedule description deadline retries min_backoff max_backoff; do
    ensure_scheduler_job "$app" "$url" "$task" "$path" "$schedule" "$description" "$deadline" \
      "$retries" "$min_backoff" "$max_backoff"
  done <<<"$mine"
done <<<"$services"
finish "services deployed to $project; next: deploy-bus.sh --project $project --env $env"
