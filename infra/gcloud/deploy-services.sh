#!/usr/bin/env bash
# Deploys the apps to Cloud Run with their runtime service accounts and IAM. A service is
# redeployed only when its settings (image, env, sizing) changed: a label holds their hash.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<USAGE
usage: deploy-services.sh --project ID --image-tag TAG [--env dev|prod] [--region REGION]
                          [--repository NAME] [--only APP] [--dry-run]

  --image-tag   tag of the images in <region>-docker.pkg.dev/<project>/<repository>/<app>
  --env         sizing (dev: 0-3 instances, prod: 1-20) and which bus.auto.tfvars.json to read
  --only        deploy one app
  --dry-run     print every change instead of making it (reads still run)
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
while (($#)); do
  case $1 in
    --project) project=$2; shift 2 ;;
    --image-tag) image_tag=$2; shift 2 ;;
    --env) env=$2; shift 2 ;;
    --region) region=$2; shift 2 ;;
    --repository) repository=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
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
tfvars=$INFRA_DIR/terraform/environments/$env/bus.auto.tfvars.json
[[ -f $tfvars ]] || die "$tfvars not found (generate it: pnpm --filter @gpuaas/topology tfvars)"
project_number=$(read_quietly projects describe "$project" --format='value(projectNumber)') ||
  die "cannot read project $project (gcloud auth login? gcloud projects describe $project)"
push_sa="pubsub-push@$project.iam.gserviceaccount.com"
# Timeouts nest: consumer lease < ack deadline < request timeout (300 s).
request_timeout_seconds=300

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

while read -r app ingress invoker secrets; do
  [[ -z $only || $app == "$only" ]] || continue
  runtime_sa="$app@$project.iam.gserviceaccount.com"
  read_quietly iam service-accounts describe "$runtime_sa" --project="$project" >/dev/null ||
    change iam service-accounts create "$app" --display-name="Cloud Run runtime: $app" --project="$project"
  for role in roles/pubsub.publisher roles/datastore.user roles/logging.logWriter roles/cloudtrace.agent; do
    ensure_project_role "$role" "serviceAccount:$runtime_sa"
  done

  # Same settings packages/eventing reads; the audience is Cloud Run's deterministic URL.
  env_vars="GOOGLE_CLOUD_PROJECT=$project,PUSH_AUTH=oidc,PUSH_AUDIENCE=https://$app-$project_number.$region.run.app,PUSH_SERVICE_ACCOUNT=$push_sa"
  consumer_env=$(bus_query "$tfvars" "(() => {
    const mine = bus.subscriptions.filter((s) => s.service === '$app');
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
      ensure_binding roles/secretmanager.secretAccessor "serviceAccount:$runtime_sa" \
        secrets IAM "${secret%%:*}" --project="$project"
    done
  fi
  if [[ $invoker == public ]]; then flags+=(--allow-unauthenticated); else flags+=(--no-allow-unauthenticated); fi
  hash=$(printf '%s\n' "${flags[@]}" | sha256sum | cut -c1-16)
  deployed=$(read_quietly run services describe "$app" --region="$region" --project="$project" \
    --format='value(metadata.labels.gpuaas-config)') || deployed=
  if [[ $deployed == "$hash" ]]; then
    log "$app: up to date"
    continue
  fi
  change run deploy "$app" "${flags[@]}" --labels="gpuaas-config=$hash" --project="$project" --quiet
done < <(services_table)
finish "services deployed to $project; next: deploy-bus.sh --project $project --env $env"
