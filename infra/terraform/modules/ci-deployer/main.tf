locals {
  # Tokens of this repository, on these refs only; nobody else's workflow can become the deployer.
  refs_condition = join(" || ", [for ref in var.allowed_refs : "assertion.ref == \"${ref}\""])
}

resource "google_iam_workload_identity_pool" "ci" {
  project                   = var.project_id
  workload_identity_pool_id = var.pool_id
  display_name              = "CI"
  description               = "Workload identities of the CI that deploys the platform"
}

resource "google_iam_workload_identity_pool_provider" "github" {
  project                            = var.project_id
  workload_identity_pool_id          = google_iam_workload_identity_pool.ci.workload_identity_pool_id
  workload_identity_pool_provider_id = var.provider_id
  display_name                       = "GitHub Actions"

  attribute_mapping = {
    "google.subject"       = "assertion.sub"
    "attribute.repository" = "assertion.repository"
    "attribute.ref"        = "assertion.ref"
  }
  attribute_condition = "assertion.repository == \"${var.github_repository}\" && (${local.refs_condition})"

  oidc {
    issuer_uri = "https://token.actions.githubusercontent.com"
  }
}

resource "google_service_account" "deployer" {
  project      = var.project_id
  account_id   = var.service_account_id
  display_name = "CI deployer (Workload Identity Federation)"
}

resource "google_service_account_iam_member" "workload_identity_user" {
  service_account_id = google_service_account.deployer.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "principalSet://iam.googleapis.com/${google_iam_workload_identity_pool.ci.name}/attribute.repository/${var.github_repository}"
}

# Pushes release images (tags are immutable, so a push never moves a running release).
resource "google_artifact_registry_repository_iam_member" "writer" {
  project    = var.project_id
  location   = var.image_repository_location
  repository = var.image_repository
  role       = "roles/artifactregistry.writer"
  member     = google_service_account.deployer.member
}

# A release apply reads everything (refresh) and changes Cloud Run revisions; IAM, the bus and the
# database stay with a person holding the admin roles of infra/README.md.
resource "google_project_iam_member" "deployer" {
  for_each = toset(var.project_roles)

  project = var.project_id
  role    = each.value
  member  = google_service_account.deployer.member
}

# New revisions run as the runtime accounts (and the scheduler jobs sign as the push account).
resource "google_service_account_iam_member" "act_as" {
  for_each = toset(var.runtime_service_account_ids)

  service_account_id = each.value
  role               = "roles/iam.serviceAccountUser"
  member             = google_service_account.deployer.member
}

resource "google_storage_bucket_iam_member" "state" {
  count = var.state_bucket == null ? 0 : 1

  bucket = var.state_bucket
  role   = "roles/storage.objectUser"
  member = google_service_account.deployer.member
}
