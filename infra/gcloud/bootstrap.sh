#!/usr/bin/env bash
# One-time project setup the services and the bus need: APIs, the image repository, the push
# service account, Firestore and its TTL policies. Describe-before-create: reruns change nothing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<USAGE
usage: bootstrap.sh --project ID [--region REGION] [--firestore-location LOCATION]
                    [--repository NAME] [--push-service-account EMAIL] [--dry-run]

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
while (($#)); do
  case $1 in
    --project) project=$2; shift 2 ;;
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
firestore_location=${firestore_location:-$region}
if [[ -n $push_sa ]]; then
  [[ $push_sa == *"@$project.iam.gserviceaccount.com" ]] ||
    die "--push-service-account must be <id>@$project.iam.gserviceaccount.com (this script creates it)"
  push_sa_id=${push_sa%%@*}
fi

apis=(artifactregistry.googleapis.com cloudresourcemanager.googleapis.com cloudscheduler.googleapis.com
  firestore.googleapis.com iam.googleapis.com pubsub.googleapis.com run.googleapis.com
  secretmanager.googleapis.com)
enabled=$(read_quietly services list --enabled --project="$project" --format='value(config.name)') || enabled=
missing=()
for api in "${apis[@]}"; do
  grep -qx "$api" <<<"$enabled" || missing+=("$api")
done
((${#missing[@]} == 0)) || change services enable "${missing[@]}" --project="$project"

read_quietly artifacts repositories describe "$repository" --location="$region" --project="$project" >/dev/null ||
  change artifacts repositories create "$repository" --repository-format=docker --location="$region" \
    --description="App images (infra/docker/Dockerfile.app)" --project="$project"

push_sa="$push_sa_id@$project.iam.gserviceaccount.com"
read_quietly iam service-accounts describe "$push_sa" --project="$project" >/dev/null ||
  change iam service-accounts create "$push_sa_id" \
    --display-name="Pub/Sub push identity (OIDC tokens to Cloud Run)" --project="$project"

read_quietly firestore databases describe --database='(default)' --project="$project" >/dev/null ||
  change firestore databases create --database='(default)' --location="$firestore_location" \
    --type=firestore-native --delete-protection --project="$project"

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
for collection in idempotency_records outbox; do
  grep -q "collectionGroups/$collection/fields/expire_at" <<<"$ttls" ||
    change firestore fields ttls update expire_at --collection-group="$collection" --enable-ttl \
      --project="$project"
  # An indexed, ever-increasing timestamp is a write hotspot, and nothing queries it.
  indexes_disabled "$collection" ||
    change firestore indexes fields update expire_at --collection-group="$collection" --disable-indexes \
      --project="$project"
done

finish "bootstrapped $project; push images to $region-docker.pkg.dev/$project/$repository/<app>:<tag>"
