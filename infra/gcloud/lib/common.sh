# Shared by the deploy scripts: logging, --dry-run, and read-before-write helpers.
# shellcheck shell=bash

DRY_RUN=${DRY_RUN:-false}
GCLOUD_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
INFRA_DIR="$(cd "$GCLOUD_LIB_DIR/../.." && pwd)"

log() { printf '%s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

# Prints the command under --dry-run (copy-pasteable); runs it otherwise.
change() {
  if [[ $DRY_RUN == true ]]; then
    printf 'gcloud'
    printf ' %q' "$@"
    printf '\n'
  else
    log "+ gcloud $*"
    gcloud "$@"
  fi
}

# Reads never change anything, so they run under --dry-run too; a failed read counts as "absent".
read_quietly() { gcloud "$@" 2>/dev/null; }

# Runs each line of a file of shell-quoted gcloud argument lists through `change`.
change_each_line() {
  local line
  local -a words
  while IFS= read -r line; do
    [[ -n $line ]] || continue
    eval "words=($line)"
    change "${words[@]}"
  done <"$1"
}

# Prints a field of the generated bus description (tfvars JSON) with node, which is always there.
bus_query() {
  local file=$1 expression=$2
  node -e '
    const bus = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
    const out = new Function("bus", `return (${process.argv[2]});`)(bus);
    for (const line of [out].flat()) console.log(line);
  ' "$file" "$expression"
}

# True when `gcloud <kind> get-iam-policy <resource>` already grants role to member.
has_binding() {
  local role=$1 member=$2
  shift 2
  local found
  found=$(read_quietly "$@" --flatten='bindings[].members' \
    --filter="bindings.role=$role AND bindings.members=$member" --format='value(bindings.role)') || true
  [[ -n $found ]]
}

# Adds an IAM binding unless it is there: ensure_binding ROLE MEMBER pubsub topics NAME [flags...]
ensure_binding() {
  local role=$1 member=$2
  shift 2
  local -a target=("$@")
  # get-iam-policy / add-iam-policy-binding take the same resource arguments.
  local -a get=() add=()
  local word
  for word in "${target[@]}"; do
    if [[ $word == IAM ]]; then
      get+=(get-iam-policy)
      add+=(add-iam-policy-binding)
    else
      get+=("$word")
      add+=("$word")
    fi
  done
  if has_binding "$role" "$member" "${get[@]}"; then return 0; fi
  change "${add[@]}" --role="$role" --member="$member" --format=none
}

# Last line of a script; says so when nothing was changed.
finish() {
  if [[ $DRY_RUN == true ]]; then log "dry run, nothing changed: $*"; else log "$*"; fi
}
