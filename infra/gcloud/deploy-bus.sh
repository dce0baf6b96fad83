#!/usr/bin/env bash
# Deploys the event bus (topics, push subscriptions, dead-letter topics, archive subscriptions and
# their IAM) with gcloud, from the same bus.auto.tfvars.json Terraform reads. Creates only what is
# missing, updates what drifted in place; a second run changes nothing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<USAGE
usage: deploy-bus.sh --project ID [--env dev|prod] [--region REGION] [--tfvars FILE]
                     [--services FILE] [--service-urls FILE] [--push-service-account EMAIL]
                     [--no-push-auth] [--archive-retention-seconds N] [--dry-run]

  --env                   which environments/<env>/{bus,services}.auto.tfvars.json to read (default dev)
  --services              services file to read instead of environments/<env>/services.auto.tfvars.json
  --region                Cloud Run region of the push targets (default europe-west1)
  --service-urls          JSON {"<service>": "<base URL>"} of the push endpoints; default: Cloud
                          Run's deterministic URLs https://<service>-<project number>.<region>.run.app,
                          which on a project are always the token audience (PUSH_AUDIENCE)
  --push-service-account  push identity (default pubsub-push@<project>.iam.gserviceaccount.com);
                          pass the same to bootstrap.sh and deploy-services.sh
  --archive-retention-seconds
                          how long archive subscriptions keep unacknowledged dead letters
                          (default: dead_letter_retention_days of the services file, 31 days =
                          2678400 s, Pub/Sub's maximum)
  --dry-run               print every change instead of making it (reads still run)

With CLOUDSDK_API_ENDPOINT_OVERRIDES_PUBSUB set (the Pub/Sub emulator), IAM is skipped: the
emulator has none, and --service-urls is required (also the audience there). The emulator
refuses retention above 7 days, so archives get at most 604800 s there.
USAGE
}

project=${CLOUDSDK_CORE_PROJECT:-}
env=dev
region=europe-west1
tfvars=
service_urls=
push_sa=
push_auth=true
services_file=
archive_retention_seconds=
while (($#)); do
  case $1 in
    --project) project=$2; shift 2 ;;
    --env) env=$2; shift 2 ;;
    --region) region=$2; shift 2 ;;
    --tfvars) tfvars=$2; shift 2 ;;
    --services) services_file=$2; shift 2 ;;
    --service-urls) service_urls=$2; shift 2 ;;
    --push-service-account) push_sa=$2; shift 2 ;;
    --no-push-auth) push_auth=false; shift ;;
    --archive-retention-seconds) archive_retention_seconds=$2; shift 2 ;;
    --dry-run) DRY_RUN=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument $1" ;;
  esac
done
[[ -n $project ]] || die "--project is required"
tfvars=${tfvars:-$INFRA_DIR/terraform/environments/$env/bus.auto.tfvars.json}
[[ -f $tfvars ]] || die "$tfvars not found (generate it: pnpm --filter @gpuaas/topology generate)"
push_sa=${push_sa:-pubsub-push@$project.iam.gserviceaccount.com}
services_file=${services_file:-$INFRA_DIR/terraform/environments/$env/services.auto.tfvars.json}
[[ -f $services_file ]] || die "$services_file not found (generate it: pnpm --filter @gpuaas/topology generate)"
if [[ -z $archive_retention_seconds ]]; then
  # The services table's figure, as Terraform's dead_letter_retention_days.
  archive_retention_seconds=$(bus_query "$services_file" 'bus.dead_letter_retention_days * 86400')
fi
[[ $archive_retention_seconds =~ ^[0-9]+$ ]] && ((archive_retention_seconds >= 600 && archive_retention_seconds <= 2678400)) ||
  die "--archive-retention-seconds must be from 600 to 2678400 (Pub/Sub's limits)"
emulator=false
[[ -n ${CLOUDSDK_API_ENDPOINT_OVERRIDES_PUBSUB:-} ]] && emulator=true
if [[ $emulator == true ]] && ((archive_retention_seconds > 604800)); then
  archive_retention_seconds=604800
fi

project_number=
if [[ $emulator == false ]]; then
  project_number=$(read_quietly projects describe "$project" --format='value(projectNumber)') ||
    die "cannot read project $project (gcloud auth login? gcloud projects describe $project)"
fi
# Cloud Run's deterministic URL: the push endpoint base unless --service-urls says otherwise, and
# on a project always the token audience, as deploy-services.sh sets PUSH_AUDIENCE.
deterministic_url="https://{service}-$project_number.$region.run.app"
url_args=()
if [[ -n $service_urls ]]; then
  url_args=(--service-urls "$service_urls")
elif [[ $emulator == true ]]; then
  die "the emulator has no Cloud Run services: pass --service-urls FILE"
else
  url_args=(--service-url-template "$deterministic_url")
fi
[[ $emulator == true ]] || url_args+=(--audience-template "$deterministic_url")
auth_args=(--push-service-account "$push_sa")
[[ $push_auth == true ]] || auth_args=(--no-push-auth)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Two list calls learn what exists; gcloud takes a second or two per call, so nothing is described one by one.
read_quietly pubsub topics list --project="$project" --format=json >"$work/topics.json" || echo '[]' >"$work/topics.json"
read_quietly pubsub subscriptions list --project="$project" --format=json >"$work/subscriptions.json" ||
  echo '[]' >"$work/subscriptions.json"
node "$GCLOUD_LIB_DIR/bus-commands.mjs" --tfvars "$tfvars" --project "$project" \
  --topics "$work/topics.json" --subscriptions "$work/subscriptions.json" \
  "${url_args[@]}" "${auth_args[@]}" --archive-retention-seconds "$archive_retention_seconds" >"$work/commands"
change_each_line "$work/commands"

if [[ $emulator == true ]]; then
  finish "bus deployed to the Pub/Sub emulator, project $project (IAM skipped: the emulator has none)"
  exit 0
fi

# Pub/Sub's service agent forwards dead letters: publish on each DLQ, subscribe on each subscription.
agent="serviceAccount:service-$project_number@gcp-sa-pubsub.iam.gserviceaccount.com"
for topic in $(bus_query "$tfvars" 'bus.dead_letter_topics.map((t) => t.name)'); do
  ensure_binding roles/pubsub.publisher "$agent" pubsub topics IAM "$topic" --project="$project"
done
for subscription in $(bus_query "$tfvars" 'bus.subscriptions.map((s) => s.name)'); do
  ensure_binding roles/pubsub.subscriber "$agent" pubsub subscriptions IAM "$subscription" --project="$project"
done
# Each runtime account publishes to the topics the catalog says its service produces, and to the
# dead-letter topics of the consumers it hosts: nothing project-wide (deploy-services.sh made them).
publishers=$(node "$GCLOUD_LIB_DIR/services-table.mjs" publishers "$services_file") || exit 1
while IFS=$'\t' read -r app topic; do
  ensure_binding roles/pubsub.publisher "serviceAccount:$app@$project.iam.gserviceaccount.com" \
    pubsub topics IAM "$topic" --project="$project"
done <<<"$publishers"
if [[ $push_auth == true ]]; then
  # Pub/Sub mints the push tokens as the push service account.
  ensure_binding roles/iam.serviceAccountTokenCreator "$agent" iam service-accounts IAM "$push_sa" --project="$project"
  services=$(bus_query "$tfvars" '[...new Set([...bus.subscriptions, ...bus.archive_subscriptions].map((s) => s.service))]')
  for service in $services; do
    ensure_binding roles/run.invoker "serviceAccount:$push_sa" run services IAM "$service" \
      --region="$region" --project="$project"
  done
fi
finish "bus deployed to $project"
