locals {
  labels = { environment = var.environment, system = "gpuaas" }

  apis = [
    "artifactregistry.googleapis.com",
    "cloudresourcemanager.googleapis.com",
    "cloudscheduler.googleapis.com",
    "firestore.googleapis.com",
    "iam.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
  ]

  image_base = "${var.region}-docker.pkg.dev/${var.project_id}/${var.artifact_registry_repository_id}"

  # Each service runs its push apps (consumers, and replay's dead-letter archive) with one lease
  # and ack deadline: the strictest one. An archive subscription has no lease of its own; it counts
  # as half its ack deadline (packages/eventing's default), so the lease always stays below the ack.
  deliveries = concat(
    [for s in var.subscriptions : { service = s.service, ack = s.ack_deadline_seconds, lease = s.lease_seconds }],
    [for s in var.archive_subscriptions : { service = s.service, ack = s.ack_deadline_seconds, lease = floor(s.ack_deadline_seconds / 2) }],
  )
  ack_deadlines_seconds = { for d in local.deliveries : d.service => d.ack... }
  leases_seconds        = { for d in local.deliveries : d.service => d.lease... }
  consumer_env = {
    for service, acks in local.ack_deadlines_seconds : service => {
      ACK_DEADLINE_SECONDS = tostring(min(acks...))
      LEASE_SECONDS        = tostring(min(local.leases_seconds[service]...))
    }
  }

  # Services hosting consumers mount POST /tasks/outbox-sweep (packages/eventing): it re-publishes
  # events committed to the Firestore outbox whose publish failed after the commit.
  consumer_services = toset([for s in var.subscriptions : s.service])
}

resource "google_project_service" "enabled" {
  for_each = toset(local.apis)

  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}

resource "google_artifact_registry_repository" "images" {
  project       = var.project_id
  location      = var.region
  repository_id = var.artifact_registry_repository_id
  format        = "DOCKER"
  description   = "App images (infra/docker/Dockerfile.app)"
  labels        = local.labels

  depends_on = [google_project_service.enabled]
}

resource "google_service_account" "push" {
  project      = var.project_id
  account_id   = var.push_service_account_id
  display_name = "Pub/Sub push identity (OIDC tokens to Cloud Run)"
}

module "firestore" {
  source = "../firestore"

  project_id        = var.project_id
  location_id       = var.firestore_location_id
  delete_protection = var.deletion_protection
}

module "service" {
  source   = "../cloud-run-service"
  for_each = var.services

  project_id                       = var.project_id
  region                           = var.region
  name                             = each.key
  image                            = "${local.image_base}/${each.key}:${lookup(var.image_tags, each.key, var.image_tag)}"
  min_instance_count               = each.value.min_instance_count
  max_instance_count               = each.value.max_instance_count
  max_instance_request_concurrency = each.value.max_instance_request_concurrency
  request_timeout_seconds          = each.value.request_timeout_seconds
  cpu                              = each.value.cpu
  memory                           = each.value.memory
  ingress                          = each.value.ingress
  allow_unauthenticated            = each.value.allow_unauthenticated
  env                              = merge(lookup(local.consumer_env, each.key, {}), each.value.env)
  secret_env                       = each.value.secret_env
  push_auth                        = { service_account_email = google_service_account.push.email }
  deletion_protection              = var.deletion_protection
  labels                           = local.labels
}

module "event_bus" {
  source = "../event-bus"

  project_id                 = var.project_id
  topics                     = var.topics
  dead_letter_topics         = var.dead_letter_topics
  subscriptions              = var.subscriptions
  archive_subscriptions      = var.archive_subscriptions
  push_service_account_email = google_service_account.push.email
  labels                     = local.labels
  cloud_run_services = {
    for name, service in module.service : name => {
      audience                = service.audience
      location                = service.location
      request_timeout_seconds = service.request_timeout_seconds
    }
  }
}

# Ticks every consumer service's outbox sweep once a minute, authenticated like a push: an OIDC
# token of the push account for the service's audience (the event bus grants it run.invoker).
resource "google_cloud_scheduler_job" "outbox_sweep" {
  for_each = local.consumer_services

  project     = var.project_id
  region      = var.region
  name        = "outbox-sweep-${each.key}"
  description = "Re-publishes events stranded in the Firestore outbox (packages/eventing)."
  schedule    = "* * * * *"
  time_zone   = "Etc/UTC"

  http_target {
    http_method = "POST"
    uri         = "${module.service[each.key].audience}/tasks/outbox-sweep"

    oidc_token {
      service_account_email = google_service_account.push.email
      audience              = module.service[each.key].audience
    }
  }

  lifecycle {
    precondition {
      condition     = contains(keys(var.services), each.key)
      error_message = "Service ${each.key} runs consumers but is not in services."
    }
  }

  depends_on = [google_project_service.enabled]
}
