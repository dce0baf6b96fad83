data "google_project" "this" {
  project_id = var.project_id
}

locals {
  # Cloud Run's deterministic URL; also the push token audience, known before the service exists.
  audience = "https://${var.name}-${data.google_project.this.number}.${var.region}.run.app"

  push_env = var.push_auth == null ? { PUSH_AUTH = "off" } : {
    PUSH_AUTH            = "oidc"
    PUSH_AUDIENCE        = local.audience
    PUSH_SERVICE_ACCOUNT = var.push_auth.service_account_email
  }
  # Push settings last: nothing in var.env can weaken them.
  env = merge(var.env, { GOOGLE_CLOUD_PROJECT = var.project_id }, local.push_env)
}

resource "google_service_account" "runtime" {
  project      = var.project_id
  account_id   = coalesce(var.service_account_id, var.name)
  display_name = "Cloud Run runtime: ${var.name}"
}

resource "google_project_iam_member" "runtime" {
  for_each = toset(var.project_roles)

  project = var.project_id
  role    = each.value
  member  = google_service_account.runtime.member
}

resource "google_secret_manager_secret_iam_member" "runtime" {
  for_each = var.secret_env

  project   = var.project_id
  secret_id = each.value.secret
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

  depends_on = [google_secret_manager_secret_iam_member.runtime]
}

resource "google_cloud_run_v2_service_iam_member" "public" {
  count = var.allow_unauthenticated ? 1 : 0

  project  = var.project_id
  location = google_cloud_run_v2_service.this.location
  name     = google_cloud_run_v2_service.this.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}
