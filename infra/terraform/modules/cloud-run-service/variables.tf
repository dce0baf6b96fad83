variable "project_id" {
  description = "Project the service runs in."
  type        = string
}

variable "region" {
  description = "Cloud Run region, e.g. europe-west1."
  type        = string
}

variable "name" {
  description = "Service name (also the app name under apps/ and the runtime service account id unless service_account_id is set)."
  type        = string
}

variable "project_number" {
  description = "Number of the project, for the deterministic service URL https://<name>-<project_number>.<region>.run.app."
  type        = string
}

variable "image" {
  description = "Container image by digest, <region>-docker.pkg.dev/<project>/gpuaas/<app>@sha256:<digest>: a re-pushed tag cannot change what runs."
  type        = string

  validation {
    condition     = can(regex("@sha256:[0-9a-f]{64}$", var.image))
    error_message = "image must be referenced by digest (<repository>/<app>@sha256:<64 hex digits>), not by tag."
  }
}

variable "firestore_database" {
  description = "Firestore database the runtime account may read and write (roles/datastore.user on it alone)."
  type        = string
  default     = "(default)"
}

variable "publish_topics" {
  description = "Topic ids or names the runtime account may publish to (roles/pubsub.publisher on each); the platform passes the catalog's."
  type        = list(string)
  default     = []
}

variable "operator_allow_list" {
  description = "Operator emails: sets OPERATOR_ALLOW_LIST and OPERATOR_AUDIENCE (this service's URL) for the operator routes; null for a service without them."
  type        = list(string)
  default     = null
}

variable "service_account_id" {
  description = "Account id of the runtime service account this module creates (6-30 chars); null means the service name."
  type        = string
  default     = null
}

variable "env" {
  description = "Plain environment variables of the container; push authentication (PUSH_AUTH, PUSH_AUDIENCE, PUSH_SERVICE_ACCOUNT) is push_auth's, not env's."
  type        = map(string)
  default     = {}

  validation {
    condition     = length(setintersection(keys(var.env), ["PUSH_AUTH", "PUSH_AUDIENCE", "PUSH_SERVICE_ACCOUNT"])) == 0
    error_message = "env may not set PUSH_AUTH, PUSH_AUDIENCE or PUSH_SERVICE_ACCOUNT: set push_auth (null turns push auth off, for local use only)."
  }
}

variable "secret_env" {
  description = "Environment variables read from Secret Manager: name => { secret, version }, the version a pinned number (never latest). The runtime account is granted secretAccessor on each secret."
  type = map(object({
    secret  = string
    version = string
  }))
  default = {}

  validation {
    condition     = alltrue([for e in values(var.secret_env) : can(regex("^[1-9][0-9]*$", e.version))])
    error_message = "Each secret version must be a pinned version number, not latest: a new version must not reach a running service unannounced."
  }
}

variable "push_auth" {
  description = "When set, the service verifies Pub/Sub push OIDC tokens from this service account (PUSH_AUTH=oidc); null turns push auth off."
  type = object({
    service_account_email = string
  })
  default = null
}

variable "container_port" {
  description = "Port the container listens on; Cloud Run passes it as PORT."
  type        = number
  default     = 8080
}

variable "min_instance_count" {
  description = "Instances kept warm (0 scales to zero)."
  type        = number
  default     = 0
}

variable "max_instance_count" {
  description = "Upper bound on instances, which also bounds Firestore and Pub/Sub load."
  type        = number
  default     = 10
}

variable "max_instance_request_concurrency" {
  description = "Requests one instance serves at once."
  type        = number
  default     = 80
}

variable "request_timeout_seconds" {
  description = "Cloud Run request timeout; must exceed the ack deadline of every subscription pushing here (default 300)."
  type        = number
  default     = 300

  validation {
    condition     = var.request_timeout_seconds >= 1 && var.request_timeout_seconds <= 3600
    error_message = "request_timeout_seconds must be between 1 and 3600."
  }
}

variable "cpu" {
  description = "CPU limit per instance, e.g. \"1\"."
  type        = string
  default     = "1"
}

variable "memory" {
  description = "Memory limit per instance, e.g. \"512Mi\"."
  type        = string
  default     = "512Mi"
}

variable "ingress" {
  description = "INGRESS_TRAFFIC_ALL for public endpoints (API, webhooks); INGRESS_TRAFFIC_INTERNAL_ONLY for push-only consumers (Pub/Sub push from the same project counts as internal)."
  type        = string
  default     = "INGRESS_TRAFFIC_INTERNAL_ONLY"

  validation {
    condition     = contains(["INGRESS_TRAFFIC_ALL", "INGRESS_TRAFFIC_INTERNAL_ONLY", "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"], var.ingress)
    error_message = "ingress must be INGRESS_TRAFFIC_ALL, INGRESS_TRAFFIC_INTERNAL_ONLY or INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER."
  }
}

variable "allow_unauthenticated" {
  description = "Grants allUsers roles/run.invoker (public API, Stripe webhook); the app then authenticates callers itself."
  type        = bool
  default     = false
}

variable "project_roles" {
  description = "Project roles of the runtime service account: write logs and traces. Publishing (publish_topics) and Firestore (firestore_database) are granted on those resources alone."
  type        = list(string)
  default     = ["roles/logging.logWriter", "roles/cloudtrace.agent"]

  validation {
    condition     = length([for role in var.project_roles : role if can(regex("^roles/(pubsub|datastore|firestore|secretmanager)\\.", role))]) == 0
    error_message = "project_roles may not hold Pub/Sub, Firestore or Secret Manager roles: those are granted per topic, database and secret."
  }
}

variable "deletion_protection" {
  description = "Refuses terraform destroy of the service while true."
  type        = bool
  default     = true
}

variable "labels" {
  description = "Labels on the service."
  type        = map(string)
  default     = {}
}
