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

  # What packages/eventing reads to keep dedupe records past any replay of an archived dead letter.
  retention_env = {
    IDEMPOTENCY_RETENTION_DAYS = tostring(var.idempotency_retention_days)
    DEAD_LETTER_RETENTION_DAYS = tostring(var.dead_letter_retention_days)
    REPLAY_WINDOW_DAYS         = tostring(var.replay_window_days)
  }

  # Services some subscription pushes to: the event bus lets the push account invoke them.
  push_services = toset(concat(
    [for s in var.subscriptions : s.service],
    [for s in var.archive_subscriptions : s.service],
  ))

  # One Cloud Scheduler job per (service, task), `<task>-<service>`, calling POST <service><path>.
  scheduler_jobs = merge([
    for service, s in var.services : {
      for task in s.tasks : "${task.name}-${service}" => merge(task, { service = service })
    }
  ]...)
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
  env                              = merge(each.value.env, lookup(local.consumer_env, each.key, {}), local.retention_env)
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
  dead_letter_retention_days = var.dead_letter_retention_days
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

# Ticks every scheduler task of every service, authenticated like a push: an OIDC token of the
# push account for the service's audience.
resource "google_cloud_scheduler_job" "task" {
  for_each = local.scheduler_jobs

  project     = var.project_id
  region      = var.region
  name        = each.key
  description = each.value.description
  schedule    = each.value.schedule
  time_zone   = "Etc/UTC"

  http_target {
    http_method = "POST"
    uri         = "${module.service[each.value.service].audience}${each.value.path}"

    oidc_token {
      service_account_email = google_service_account.push.email
      audience              = module.service[each.value.service].audience
    }
  }

  depends_on = [google_project_service.enabled]
}

# The scheduler signs as the push account, which the event bus lets invoke push targets only:
# services with tasks but no subscription (payments) get the grant here.
resource "google_cloud_run_v2_service_iam_member" "task_invoker" {
  for_each = setsubtract(toset([for job in local.scheduler_jobs : job.service]), local.push_services)

  project  = var.project_id
  location = module.service[each.key].location
  name     = module.service[each.key].name
  role     = "roles/run.invoker"
  member   = google_service_account.push.member
}
