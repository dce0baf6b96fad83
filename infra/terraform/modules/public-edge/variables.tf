variable "project_id" {
  description = "Project of the load balancer and the Cloud Run services behind it."
  type        = string
}

variable "region" {
  description = "Region of the Cloud Run services (their serverless network endpoint groups)."
  type        = string
}

variable "name" {
  description = "Prefix of every resource of the edge."
  type        = string
  default     = "gpuaas-edge"
}

variable "services" {
  description = "Internet-facing services keyed by app name: the domain the load balancer serves it on, its Cloud Run service and its Cloud Armor limits."
  type = map(object({
    domain                     = string
    cloud_run_service          = string
    requests_per_minute_per_ip = number
    max_request_body_bytes     = number
  }))

  validation {
    condition     = length(var.services) > 0
    error_message = "The edge needs at least one service."
  }
  validation {
    condition     = length(distinct([for s in values(var.services) : s.domain])) == length(var.services)
    error_message = "Each service needs its own domain."
  }
  validation {
    condition     = alltrue([for s in values(var.services) : s.requests_per_minute_per_ip > 0 && s.max_request_body_bytes > 0])
    error_message = "Rate and size limits must be positive."
  }
}

variable "log_sample_rate" {
  description = "Share of requests the load balancer logs (0-1), where Cloud Armor's decisions show."
  type        = number
  default     = 1
}

variable "labels" {
  description = "Labels on the forwarding rule."
  type        = map(string)
  default     = {}
}
