variable "project_id" {
  description = "Project the platform runs in."
  type        = string
}

variable "region" {
  description = "Region of Cloud Run services, the Artifact Registry repository and the Cloud Scheduler jobs (scheduler tasks)."
  type        = string
}

variable "environment" {
  description = "Environment name (dev, prod), added as a label."
  type        = string
}

variable "firestore_location_id" {
  description = "Firestore location; fixed once the database exists."
  type        = string
}

variable "artifact_registry_repository_id" {
  description = "Docker repository the app images are pushed to."
  type        = string
  default     = "gpuaas"
}

variable "image_digests" {
  description = "Image digest of every app, keyed by app name (sha256:<64 hex digits>): what runs is exactly what was reviewed. Empty on a new project: the apply then lays the foundation only (no Cloud Run services, subscriptions or jobs)."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for digest in values(var.image_digests) : can(regex("^sha256:[0-9a-f]{64}$", digest))])
    error_message = "Each image digest must be sha256:<64 hex digits> (docker buildx imagetools inspect, or the digest gcloud artifacts docker images describe prints)."
  }
  validation {
    condition     = length(var.image_digests) == 0 || length(setsymmetricdifference(keys(var.image_digests), keys(var.services))) == 0
    error_message = "image_digests names every app of services or none (a new project's first apply)."
  }
}

variable "image_keep_count" {
  description = "Most recent image versions of each app the repository always keeps, whatever their age: the rollback depth."
  type        = number
  default     = 20
}

variable "image_retention_days" {
  description = "Images older than this are deleted unless among the image_keep_count most recent of their app."
  type        = number
  default     = 180
}

variable "untagged_image_retention_days" {
  description = "Untagged images (layers of superseded builds) are deleted after this many days."
  type        = number
  default     = 7
}

variable "secret_versions" {
  description = "Pinned version number of every secret an app reads, keyed by secret id (never latest): a rotation is a new version, then a change here, reviewed like a release."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for version in values(var.secret_versions) : can(regex("^[1-9][0-9]*$", version))])
    error_message = "secret_versions pins version numbers (1, 2, ...); latest is refused."
  }
  validation {
    condition = length(var.image_digests) == 0 || alltrue(flatten([
      for s in var.services : [for e in values(s.secret_env) : contains(keys(var.secret_versions), e.secret)]
    ]))
    error_message = "Every secret a service reads needs a pinned version in secret_versions before the services are deployed (gcloud secrets versions add, then its number here)."
  }
}

variable "secret_replica_locations" {
  description = "Regions Secret Manager replicates the secrets to (user-managed replication); empty means the platform's region only."
  type        = list(string)
  default     = []
}

variable "operator_emails" {
  description = "Operators: OPERATOR_ALLOW_LIST of every service with operator routes, and roles/run.invoker on the IAM-only ones (replay). Accounts ending in .gserviceaccount.com are granted as service accounts, the rest as users."
  type        = list(string)

  validation {
    condition     = length(var.operator_emails) > 0 && alltrue([for email in var.operator_emails : can(regex("^[^@,\\s]+@[^@,\\s]+\\.[^@,\\s]+$", email))])
    error_message = "operator_emails must list at least one email, none containing a comma or a space."
  }
}

variable "edge_domains" {
  description = "Domain of each internet-facing service served through the load balancer with Cloud Armor, keyed by app name (services with edge limits); such a service's run.app URL then takes internal callers only. Empty: no load balancer."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for name in keys(var.edge_domains) : try(var.services[name].edge != null, false)])
    error_message = "edge_domains may name only services with edge limits in the services table."
  }
}

variable "ci_deployer" {
  description = "The CI's deployer identity through Workload Identity Federation: the GitHub repository (owner/name), the refs that may deploy, and the state bucket it reads; null for none."
  type = object({
    github_repository = string
    allowed_refs      = optional(list(string), ["refs/heads/main"])
    state_bucket      = optional(string)
  })
  default = null
}

variable "services" {
  description = "Cloud Run services keyed by app name (apps/<name>), with their scheduler tasks (generated: services.auto.tfvars.json, from packages/topology/src/services/table.ts); see modules/cloud-run-service for each setting."
  type = map(object({
    min_instance_count               = optional(number, 0)
    max_instance_count               = optional(number, 10)
    max_instance_request_concurrency = optional(number, 80)
    request_timeout_seconds          = optional(number, 300)
    cpu                              = optional(string, "1")
    memory                           = optional(string, "512Mi")
    ingress                          = optional(string, "INGRESS_TRAFFIC_INTERNAL_ONLY")
    allow_unauthenticated            = optional(bool, false)
    env                              = optional(map(string), {})
    secret_env = optional(map(object({
      secret = string
    })), {})
    tasks = optional(list(object({
      name                     = string
      path                     = string
      schedule                 = string
      description              = optional(string, "")
      attempt_deadline_seconds = optional(number, 60)
      retry_count              = optional(number, 1)
      min_backoff_seconds      = optional(number, 5)
      max_backoff_seconds      = optional(number, 30)
    })), [])
    publish_topics = optional(list(string), [])
    operator_api   = optional(bool, false)
    edge = optional(object({
      requests_per_minute_per_ip = number
      max_request_body_bytes     = number
    }))
  }))

  # Push authentication is the platform's (push_auth of modules/cloud-run-service): no env turns it off.
  validation {
    condition     = alltrue([for s in var.services : length(setintersection(keys(s.env), ["PUSH_AUTH", "PUSH_AUDIENCE", "PUSH_SERVICE_ACCOUNT"])) == 0])
    error_message = "A service's env may not set PUSH_AUTH, PUSH_AUDIENCE or PUSH_SERVICE_ACCOUNT: push authentication is set by the platform."
  }
  validation {
    condition     = alltrue(flatten([for s in var.services : [for t in s.tasks : t.path == "/tasks/${t.name}"]]))
    error_message = "A scheduler task named <name> is served at /tasks/<name>."
  }
}

variable "push_service_account_id" {
  description = "Account id of the service account Pub/Sub signs push tokens as."
  type        = string
  default     = "pubsub-push"
}

variable "topics" {
  description = "Event topics (generated bus.auto.tfvars.json; typed in modules/event-bus)."
  type        = any
}

variable "dead_letter_topics" {
  description = "Dead-letter topics (generated bus.auto.tfvars.json; typed in modules/event-bus)."
  type        = any
}

variable "subscriptions" {
  description = "Push subscriptions (generated bus.auto.tfvars.json; typed in modules/event-bus)."
  type        = any
}

variable "archive_subscriptions" {
  description = "Archive subscriptions of the dead-letter topics (generated bus.auto.tfvars.json; typed in modules/event-bus)."
  type        = any
}

variable "idempotency_retention_days" {
  description = "Days a consumer keeps its dedupe records (IDEMPOTENCY_RETENTION_DAYS): longer than dead_letter_retention_days plus replay_window_days, so a replayed dead letter is still recognised."
  type        = number
  default     = 45

  validation {
    condition     = var.idempotency_retention_days > var.dead_letter_retention_days + var.replay_window_days
    error_message = "idempotency_retention_days must exceed dead_letter_retention_days + replay_window_days: a dedupe record gone before its dead letter is replayed lets the replay apply twice."
  }
}

variable "dead_letter_retention_days" {
  description = "Days the archive subscriptions keep unacknowledged dead letters (DEAD_LETTER_RETENTION_DAYS; Pub/Sub's maximum, 31, by default)."
  type        = number
  default     = 31

  validation {
    condition     = var.dead_letter_retention_days >= 1 && var.dead_letter_retention_days <= 31
    error_message = "dead_letter_retention_days must be from 1 to 31 (Pub/Sub keeps messages at most 31 days)."
  }
}

variable "replay_window_days" {
  description = "The longest window a replay may reach back, in days (REPLAY_WINDOW_DAYS)."
  type        = number
  default     = 7

  validation {
    condition     = var.replay_window_days >= 1
    error_message = "replay_window_days must be at least 1."
  }
}

variable "deletion_protection" {
  description = "Protects Cloud Run services and the Firestore database from deletion."
  type        = bool
  default     = true
}

variable "firestore_point_in_time_recovery" {
  description = "Keeps 7 days of Firestore versions for point-in-time reads and restores (prod)."
  type        = bool
  default     = false
}

variable "firestore_daily_backup_retention_days" {
  description = "Keeps a daily Firestore backup this many days (1-98); 0 takes none (dev)."
  type        = number
  default     = 0
}

variable "firestore_extra_ttl_collections" {
  description = "Collection groups with an expire_at TTL policy besides the runtime's (idempotency_records, outbox, idempotency_keys)."
  type        = list(string)
  default     = []
}

variable "alert_notification_channels" {
  description = "Notification channel ids (projects/<project>/notificationChannels/<id>) the bus alerts notify."
  type        = list(string)
  default     = []
}

variable "outbox_stranded_threshold_seconds" {
  description = "Outbox entries older than this (every sweep failing for as long) raise an alert."
  type        = number
  default     = 600
}
