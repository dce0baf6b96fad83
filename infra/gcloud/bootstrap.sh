#!/usr/bin/env bash
# One-time project setup the services and the bus need: APIs, the image repository (immutable
# tags, cleanup policies), the Pub/Sub service agent, the push service account, the secrets the
# apps read (no values), Firestore and its TTL policies. Describe-before-create: reruns change nothing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<USAGE
usage: bootstrap.sh --project ID [--env dev|prod] [--region REGION] [--firestore-location LOCATION]
                    [--repository NAME] [--push-service-account EMAIL] [--dry-run]

  --env                   which environments/<env>/services.auto.tfvars.json names the secrets;
                          prod also turns on Firestore point-in-time recovery and daily backups

  --region                Artifact Registry and Cloud Run region (default europe-west1)
  --firestore-location    Firestore location, fixed once created (default: the region)
  --repository            Docker repository for the app images (default gpuaas)
  --push-service-account  push identity to create, <id>@<project>.iam.gserviceaccount.com
                          (default pubsub-push@...); pass the same to deploy-services.sh and
                          deploy-bus.sh. --push-service-account-id ID says the same with the id.
  --dry-run               print every change instead of making it (reads still run)
USAGE
}

project=${CLOUDSDK_CORE_PROJECT:-}
region=europe-west1
firestore_location=
repository=gpuaas
push_sa_id=pubsub-push
push_sa=
env=dev
while (($#)); do
  case $1 in
    --project) project=$2; shift 2 ;;
    --env) env=$2; shift 2 ;;
    --region) region=$2; shift 2 ;;
    --firestore-location) firestore_location=$2; shift 2 ;;
    --repository) repository=$2; shift 2 ;;
    --push-service-account-id) push_sa_id=$2; shift 2 ;;
    --push-service-account) push_sa=$2; shift 2 ;;
    --dry-run) DRY_RUN=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument $1" ;;
  esac
done
[[ -n $project ]] || die "--project is required"
[[ $env == dev || $env == prod ]] || die "--env must be dev or prod"
services_file=$INFRA_DIR/terraform/environments/$env/services.auto.tfvars.json
[[ -f $services_file ]] || die "$services_file not found (generate it: pnpm --filter @gpuaas/topology generate)"
firestore_location=${firestore_location:-$region}
if [[ -n $push_sa ]]; then
  [[ $push_sa == *"@$project.iam.gserviceaccount.com" ]] ||
    die "--push-service-account must be <id>@$project.iam.gserviceaccount.com (this script creates it)"
  push_sa_id=${push_sa%%@*}
fi

apis=(artifactregistry.googleapis.com cloudresourcemanager.googleapis.com cloudscheduler.googleapis.com
  firestore.googleapis.com iam.googleapis.com iamcredentials.googleapis.com logging.googleapis.com
  monitoring.googleapis.com pubsub.googleapis.com run.googleapis.com secretmanager.googleapis.com
  sts.googleapis.com)
enabled=$(read_quietly services list --enabled --project="$project" --format='value(config.name)') || enabled=
missing=()
for api in "${apis[@]}"; do
  grep -qx "$api" <<<"$enabled" || missing+=("$api")
done
((${#missing[@]} == 0)) || change services enable "${missing[@]}" --project="$project"

read_quietly artifacts repositories describe "$repository" --location="$region" --project="$project" >/dev/null ||
  change artifacts repositories create "$repository" --repository-format=docker --location="$region" \
    --immutable-tags --description="App images (infra/docker/Dockerfile.app)" --project="$project"
# As modules/platform: keep the 20 newest versions of each app, drop untagged layers after 7 days
# and anything else after 180. Setting the same policies again changes nothing.
policy_file=$(mktemp)
trap 'rm -f "$policy_file"' EXIT
cat >"$policy_file" <<'POLICY'
[
  { "name": "keep-recent", "action": { "type": "Keep" }, "mostRecentVersions": { "keepCount": 20 } },
  { "name": "delete-untagged", "action": { "type": "Delete" }, "condition": { "tagState": "untagged", "olderThan": "7d" } },
  { "name": "delete-old", "action": { "type": "Delete" }, "condition": { "tagState": "any", "olderThan": "180d" } }
]
POLICY
change artifacts repositories set-cleanup-policies "$repository" --location="$region" \
  --policy="$policy_file" --no-dry-run --project="$project"

# Pub/Sub creates its service agent lazily; deploy-bus.sh grants it roles, so make it exist now.
change beta services identity create --service=pubsub.googleapis.com --project="$project"

# The secrets the apps read (services table secretEnv), replicated in the region; values are
# versions added by hand (infra/README.md "Secrets").
for secret in $(bus_query "$services_file" '[...new Set(Object.values(bus.services).flatMap((s) => Object.values(s.secret_env ?? {}).map((e) => e.secret)))]'); do
  read_quietly secrets describe "$secret" --project="$project" >/dev/null ||
    change secrets create "$secret" --replication-policy=user-managed --locations="$region" --project="$project"
done

push_sa="$push_sa_id@$project.iam.gserviceaccount.com"
read_quietly iam service-accounts describe "$push_sa" --project="$project" >/dev/null ||
  change iam service-accounts create "$push_sa_id" \
    --display-name="Pub/Sub push identity (OIDC tokens to Cloud Run)" --project="$project"

recovery=()
[[ $env == prod ]] && recovery=(--enable-pitr)
read_quietly firestore databases describe --database='(default)' --project="$project" >/dev/null ||
  change firestore databases create --database='(default)' --location="$firestore_location" \
    --type=firestore-native --delete-protection "${recovery[@]}" --project="$project"
if [[ $env == prod ]]; then
  # Daily backups kept two weeks, as Terraform's prod; PITR covers the last 7 days.
  schedules=$(read_quietly firestore backups schedules list --database='(default)' --project="$project" \
    --format='value(dailyRecurrence)') || schedules=
  [[ -n $schedules ]] ||
    change firestore backups schedules create --database='(default)' --recurrence=daily \
      --retention=14d --project="$project"
fi

# True when the field's single-field indexes are off: an explicit config (not the database
# default) with no index. A failed read (no database yet) counts as "not off".
indexes_disabled() {
  local json
  json=$(read_quietly firestore indexes fields describe expire_at --collection-group="$1" \
    --project="$project" --format=json) || return 1
  node -e '
    const config = JSON.parse(process.argv[1]).indexConfig ?? {};
    process.exit(!config.usesAncestorConfig && (config.indexes ?? []).length === 0 ? 0 : 1);
  ' "$json" 2>/dev/null
}

# Dedupe records and outbox entries carry expire_at; Firestore deletes them after it passes.
# TTL and index are checked separately, and each change waits for its operation (no --async):
# a rerun after an interrupted one still converges, and two operations never race on one field.
ttls=$(read_quietly firestore fields ttls list --project="$project" --format='value(name)') || ttls=
for collection in idempotency_records outbox idempotency_keys; do
  grep -q "collectionGroups/$collection/fields/expire_at" <<<"$ttls" ||
    change firestore fields ttls update expire_at --collection-group="$collection" --enable-ttl \
      --project="$project"
  # An indexed, ever-increasing timestamp is a write hotspot, and nothing queries it.
  indexes_disabled "$collection" ||
    change firestore indexes fields update expire_at --collection-group="$collection" --disable-indexes \
      --project="$project"
done

finish "bootstrapped $project; push images to $region-docker.pkg.dev/$project/$repository/<app>:<tag>"
