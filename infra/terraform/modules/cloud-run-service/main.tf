locals {
  # Cloud Run's deterministic URL; also the push token audience, known before the service exists.
  audience = "https://${var.name}-${var.project_number}.${var.region}.run.app"

  push_env = var.push_auth == null ? { PUSH_AUTH = "off" } : {
    PUSH_AUTH            = "oidc"
    PUSH_AUDIENCE        = local.audience
    PUSH_SERVICE_ACCOUNT = var.push_auth.service_account_email
  }
  # Operators call with Google ID tokens minted for this URL (http-api's operator verifier).
  operator_env = var.operator_allow_list == null ? {} : {
    OPERATOR_ALLOW_LIST = join(",", var.operator_allow_list)
    OPERATOR_AUDIENCE   = local.audience
  }
  # Platform settings last: nothing in var.env can weaken them.
  env = merge(var.env, { GOOGLE_CLOUD_PROJECT = var.project_id }, local.operator_env, local.push_env)

  # One accessor binding per secret, even when two variables read the same one.
  secrets = toset([for e in values(var.secret_env) : e.secret])
}

resource "google_service_account" "runtime" {
  project      = var.project_id
  account_id   = coalesce(var.service_account_id, var.name)
  display_name = "Cloud Run runtime: ${var.name}"
}

# Logs and traces only: publish rights are per topic (publish_topics), Firestore is one database.
resource "google_project_iam_member" "runtime" {
  for_each = toset(var.project_roles)

  project = var.project_id
  role    = each.value
  member  = google_service_account.runtime.member
}

# Read and write documents of the platform's database, no other (Firestore IAM is project-level,
# so a condition names the database).
resource "google_project_iam_member" "firestore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = google_service_account.runtime.member

  condition {
    title       = "firestore-${var.firestore_database}"
    description = "Only the platform's Firestore database"
    expression  = "resource.name == \"projects/${var.project_id}/databases/${var.firestore_database}\""
  }
}

# Publish to the topics the catalog says this service produces (and its consumers' dead letters).
resource "google_pubsub_topic_iam_member" "publisher" {
  for_each = toset(var.publish_topics)

  project = var.project_id
  topic   = each.value
  role    = "roles/pubsub.publisher"
  member  = google_service_account.runtime.member
}

# Each secret is readable by the services that read it, nobody else.
resource "google_secret_manager_secret_iam_member" "runtime" {
  for_each = local.secrets

  project   = var.project_id
  secret_id = each.value
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.runtime.member
}

resource "google_cloud_run_v2_service" "this" {
  project             = var.project_id
  location            = var.region
  name                = var.name
  ingress             = var.ingress
  deletion_protection = var.deletion_protection
  labels              = var.labels

  template {
    service_account                  = google_service_account.runtime.email
    timeout                          = "${var.request_timeout_seconds}s"
    max_instance_request_concurrency = var.max_instance_request_concurrency

    scaling {
      min_instance_count = var.min_instance_count
      max_instance_count = var.max_instance_count
    }

    containers {
      image = var.image

      ports {
        container_port = var.container_port
      }

      resources {
        limits = {
          cpu    = var.cpu
          memory = var.memory
        }
      }

      dynamic "env" {
        for_each = local.env
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = var.secret_env
        content {
          name = env.key
          value_source {
            secret_key_ref {
              secret  = env.value.secret
              version = env.value.version
            }
          }
        }
      }

      startup_probe {
        http_get {
          path = "/healthz"
        }
      }

      liveness_probe {
        http_get {
          path = "/healthz"
        }
      }
    }
  }

  # A revision starts only once it may read its secrets, publish and reach Firestore.
  depends_on = [
    google_secret_manager_secret_iam_member.runtime,
    google_pubsub_topic_iam_member.publisher,
    google_project_iam_member.firestore,
  ]
}

resource "google_cloud_run_v2_service_iam_member" "public" {
  count = var.allow_unauthenticated ? 1 : 0

  project  = var.project_id
  location = google_cloud_run_v2_service.this.location
  name     = google_cloud_run_v2_service.this.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}
