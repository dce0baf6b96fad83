#!/usr/bin/env bash
# Deploys the apps to Cloud Run with their runtime service accounts and IAM, and the Cloud
# Scheduler job that ticks each consumer service's outbox sweep. A service is redeployed only when
# its settings (image, env, sizing) changed: a label holds their hash.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<USAGE
usage: deploy-services.sh --project ID --image-tag TAG [--env dev|prod] [--region REGION]
                          [--repository NAME] [--push-service-account EMAIL] [--tfvars FILE]
                          [--only APP] [--dry-run]

  --image-tag             tag of the images in <region>-docker.pkg.dev/<project>/<repository>/<app>
  --env                   sizing (dev: 0-3 instances, prod: 1-20) and which bus.auto.tfvars.json to read
  --push-service-account  push identity the apps accept (PUSH_SERVICE_ACCOUNT) and the outbox
                          sweep jobs sign as (default pubsub-push@<project>.iam.gserviceaccount.com);
                          pass the same to bootstrap.sh and deploy-bus.sh
  --tfvars                bus file to read instead of environments/<env>/bus.auto.tfvars.json
  --only                  deploy one app
  --dry-run               print every change instead of making it (reads still run)
USAGE
}

# app                 ingress   invoker  secrets (Secret Manager, created by hand)
services_table() {
  cat <<'TABLE'
orchestrator          all       public   -
provisioning-worker   internal  private  -
billing-worker        internal  private  -
payments              all       public   STRIPE_SECRET_KEY=stripe-secret-key:latest,STRIPE_WEBHOOK_SECRET=stripe-webhook-secret:latest
notification-relay    internal  private  -
replay                all       private  -
TABLE
}

project=${CLOUDSDK_CORE_PROJECT:-}
env=dev
region=europe-west1
repository=gpuaas
image_tag=
only=
push_sa=
tfvars=
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
    --dry-run) DRY_RUN=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument $1" ;;
  esac
done
[[ -n $project ]] || die "--project is required"
[[ -n $image_tag ]] || die "--image-tag is required"
case $env in
  dev) min_instances=0 max_instances=3 ;;
  prod) min_instances=1 max_instances=20 ;;
  *) die "--env must be dev or prod" ;;
esac
tfvars=${tfvars:-$INFRA_DIR/terraform/environments/$env/bus.auto.tfvars.json}
[[ -f $tfvars ]] || die "$tfvars not found (generate it: pnpm --filter @gpuaas/topology tfvars)"
push_sa=${push_sa:-pubsub-push@$project.iam.gserviceaccount.com}
# Timeouts nest: consumer lease < ack deadline < request timeout (300 s).
request_timeout_seconds=300
max_ack=$(bus_query "$tfvars" 'Math.max(0, ...[...bus.subscriptions, ...bus.archive_subscriptions].map((s) => s.ack_deadline_seconds))')
((max_ack < request_timeout_seconds)) ||
  die "an ack deadline in $tfvars is $max_ack s, not below the request timeout ($request_timeout_seconds s): Cloud Run would cut requests Pub/Sub still waits for (timeouts nest: lease < ack deadline < request timeout)"
project_number=$(read_quietly projects describe "$project" --format='value(projectNumber)') ||
  die "cannot read project $project (gcloud auth login? gcloud projects describe $project)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
read_quietly projects get-iam-policy "$project" --format=json >"$work/policy.json" || echo '{}' >"$work/policy.json"

ensure_project_role() {
  local role=$1 member=$2
  node -e '
    const policy = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
    const found = (policy.bindings ?? []).some((b) => b.role === process.argv[2] && !b.condition && b.members.includes(process.argv[3]));
    process.exit(found ? 0 : 1);
  ' "$work/policy.json" "$role" "$member" ||
    change projects add-iam-policy-binding "$project" --role="$role" --member="$member" --condition=None --format=none
}

# Services hosting consumers mount POST /tasks/outbox-sweep (packages/eventing).
consumer_services=$(bus_query "$tfvars" '[...new Set(bus.subscriptions.map((s) => s.service))]')

# Ticks a service's outbox sweep every minute with the push account's OIDC token for the
# service's audience, as a push is authenticated (deploy-bus.sh grants the account run.invoker).
ensure_outbox_sweep_job() {
  local app=$1 url=$2
  local job="outbox-sweep-$app" schedule='* * * * *'
  local -a flags=(--location="$region" --schedule="$schedule" --time-zone=Etc/UTC
    --uri="$url/tasks/outbox-sweep" --http-method=POST
    --oidc-service-account-email="$push_sa" --oidc-token-audience="$url"
    --description="Re-publishes events stranded in the Firestore outbox (packages/eventing)."
    --project="$project")
  local actual wanted
  if ! actual=$(read_quietly scheduler jobs describe "$job" --location="$region" --project="$project" \
    --format='value(schedule,httpTarget.uri,httpTarget.httpMethod,httpTarget.oidcToken.serviceAccountEmail,httpTarget.oidcToken.audience)'); then
    change scheduler jobs create http "$job" "${flags[@]}"
    return
  fi
  wanted=$(printf '%s\t' "$schedule" "$url/tasks/outbox-sweep" POST "$push_sa" "$url")
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

while read -r app ingress invoker secrets; do
  [[ -z $only || $app == "$only" ]] || continue
  runtime_sa="$app@$project.iam.gserviceaccount.com"
  iam_attempts=1
  if ! read_quietly iam service-accounts describe "$runtime_sa" --project="$project" >/dev/null; then
    change iam service-accounts create "$app" --display-name="Cloud Run runtime: $app" --project="$project"
    iam_attempts=5
  fi
  for role in roles/pubsub.publisher roles/datastore.user roles/logging.logWriter roles/cloudtrace.agent; do
    with_iam_retry ensure_project_role "$role" "serviceAccount:$runtime_sa"
  done

  # Same settings packages/eventing reads; the audience is Cloud Run's deterministic URL.
  url="https://$app-$project_number.$region.run.app"
  env_vars="GOOGLE_CLOUD_PROJECT=$project,PUSH_AUTH=oidc,PUSH_AUDIENCE=$url,PUSH_SERVICE_ACCOUNT=$push_sa"
  # The strictest timings of every subscription pushing here, replay's archives included; an
  # archive has no lease of its own and counts as half its ack deadline (eventing's default).
  consumer_env=$(bus_query "$tfvars" "(() => {
    const mine = [
      ...bus.subscriptions.filter((s) => s.service === '$app'),
      ...bus.archive_subscriptions
        .filter((s) => s.service === '$app')
        .map((s) => ({ ...s, lease_seconds: Math.floor(s.ack_deadline_seconds / 2) })),
    ];
    if (mine.length === 0) return '';
    const min = (key) => Math.min(...mine.map((s) => s[key]));
    return ',ACK_DEADLINE_SECONDS=' + min('ack_deadline_seconds') + ',LEASE_SECONDS=' + min('lease_seconds');
  })()")
  env_vars+=$consumer_env

  app_min=$min_instances app_max=$max_instances
  # The archive page sees operators, not traffic.
  [[ $app != replay ]] || app_min=0 app_max=2
  flags=(--image="$region-docker.pkg.dev/$project/$repository/$app:$image_tag" --region="$region"
    --service-account="$runtime_sa" --ingress="$ingress" --timeout="$request_timeout_seconds"
    --concurrency=80 --cpu=1 --memory=512Mi --port=8080
    --min-instances="$app_min" --max-instances="$app_max" --set-env-vars="$env_vars")
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
  if grep -qx "$app" <<<"$consumer_services"; then ensure_outbox_sweep_job "$app" "$url"; fi
done < <(services_table)
finish "services deployed to $project; next: deploy-bus.sh --project $project --env $env"
