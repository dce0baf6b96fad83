locals {
  labels = { environment = var.environment, system = "gpuaas" }

  apis = concat(
    [
      "artifactregistry.googleapis.com",
      "cloudresourcemanager.googleapis.com",
      "cloudscheduler.googleapis.com",
      "firestore.googleapis.com",
      "iam.googleapis.com",
      "iamcredentials.googleapis.com",
      "logging.googleapis.com",
      "monitoring.googleapis.com",
      "pubsub.googleapis.com",
      "run.googleapis.com",
      "secretmanager.googleapis.com",
      "sts.googleapis.com",
    ],
    # The load balancer and Cloud Armor of the public edge.
    length(var.edge_domains) > 0 ? ["compute.googleapis.com"] : [],
  )

  image_base = "${var.region}-docker.pkg.dev/${var.project_id}/${var.artifact_registry_repository_id}"

  # A first apply on a new project has no images yet: it lays what they need (APIs, repository,
  # accounts, secrets, Firestore, topics); the apply with image_digests adds the services, their
  # subscriptions, IAM and jobs. Both are plain applies, nothing targeted.
  deploy   = length(var.image_digests) > 0
  services = { for name, s in var.services : name => s if local.deploy }

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

  # Every topic of the bus by name, for the runtime accounts' publish grants.
  bus_topic_ids = merge(module.event_bus.topic_ids, module.event_bus.dead_letter_topic_ids)
}

resource "google_project_service" "enabled" {
  for_each = toset(local.apis)

  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}

data "google_project" "this" {
  project_id = var.project_id

  depends_on = [google_project_service.enabled]
}

# Pub/Sub creates its service agent lazily; the dead-letter grants name it, so it must exist first.
resource "google_project_service_identity" "pubsub" {
  provider = google-beta

  project = var.project_id
  service = "pubsub.googleapis.com"

  depends_on = [google_project_service.enabled]
}

resource "google_service_account" "push" {
  project      = var.project_id
  account_id   = var.push_service_account_id
  display_name = "Pub/Sub push identity (OIDC tokens to Cloud Run)"

  depends_on = [google_project_service.enabled]
}

module "firestore" {
  source = "../firestore"

  project_id                  = var.project_id
  location_id                 = var.firestore_location_id
  delete_protection           = var.deletion_protection
  point_in_time_recovery      = var.firestore_point_in_time_recovery
  daily_backup_retention_days = var.firestore_daily_backup_retention_days
  extra_ttl_collections       = var.firestore_extra_ttl_collections

  depends_on = [google_project_service.enabled]
}

module "service" {
  source   = "../cloud-run-service"
  for_each = local.services

  project_id                       = var.project_id
  project_number                   = data.google_project.this.number
  region                           = var.region
  name                             = each.key
  image                            = "${local.image_base}/${each.key}@${var.image_digests[each.key]}"
  min_instance_count               = each.value.min_instance_count
  max_instance_count               = each.value.max_instance_count
  max_instance_request_concurrency = each.value.max_instance_request_concurrency
  request_timeout_seconds          = each.value.request_timeout_seconds
  cpu                              = each.value.cpu
  memory                           = each.value.memory
  # Behind the edge, the run.app URL takes Google-internal callers only (Pub/Sub, Cloud Scheduler).
  ingress               = contains(keys(var.edge_domains), each.key) ? "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER" : each.value.ingress
  allow_unauthenticated = each.value.allow_unauthenticated
  env                   = merge(each.value.env, lookup(local.consumer_env, each.key, {}), local.retention_env)
  secret_env = {
    for key, e in each.value.secret_env : key => {
      secret  = google_secret_manager_secret.app[e.secret].secret_id
      version = var.secret_versions[e.secret]
    }
  }
  publish_topics      = [for topic in each.value.publish_topics : local.bus_topic_ids[topic]]
  firestore_database  = module.firestore.database_name
  operator_allow_list = each.value.operator_api ? var.operator_emails : null
  push_auth           = { service_account_email = google_service_account.push.email }
  deletion_protection = var.deletion_protection
  labels              = local.labels

  depends_on = [google_project_service.enabled]
}

module "event_bus" {
  source = "../event-bus"

  project_id         = var.project_id
  topics             = var.topics
  dead_letter_topics = var.dead_letter_topics
  # Subscriptions push to the services, so they come with them.
  subscriptions              = [for s in var.subscriptions : s if local.deploy]
  archive_subscriptions      = [for s in var.archive_subscriptions : s if local.deploy]
  dead_letter_retention_days = var.dead_letter_retention_days
  push_service_account_email = google_service_account.push.email
  pubsub_service_agent_email = google_project_service_identity.pubsub.email
  labels                     = local.labels
  cloud_run_services = {
    for name, service in module.service : name => {
      audience                = service.audience
      location                = service.location
      request_timeout_seconds = service.request_timeout_seconds
    }
  }

  depends_on = [google_project_service.enabled]
}
