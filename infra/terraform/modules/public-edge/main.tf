locals {
  # The first service answers hosts no rule names (a bare IP, an unknown Host header).
  default_service = sort(keys(var.services))[0]
}

resource "google_compute_global_address" "edge" {
  project = var.project_id
  name    = "${var.name}-ip"
}

resource "google_compute_managed_ssl_certificate" "edge" {
  project = var.project_id
  name    = "${var.name}-cert"

  managed {
    domains = sort([for s in values(var.services) : s.domain])
  }

  # A new certificate (another domain) is issued before the old one is let go.
  lifecycle {
    create_before_destroy = true
  }
}

resource "google_compute_region_network_endpoint_group" "service" {
  for_each = var.services

  project               = var.project_id
  region                = var.region
  name                  = "${var.name}-${each.key}"
  network_endpoint_type = "SERVERLESS"

  cloud_run {
    service = each.value.cloud_run_service
  }
}

# Per service: bodies over its limit are refused, and a client IP over its rate gets 429s.
resource "google_compute_security_policy" "service" {
  for_each = var.services

  project     = var.project_id
  name        = "${var.name}-${each.key}"
  description = "Rate and size limits of ${each.key} (services table edge limits)"

  # Cloud Armor reads Content-Length; a body sent without it is bounded by the app and Cloud Run.
  rule {
    action      = "deny(403)"
    priority    = 1000
    description = "Request body over ${each.value.max_request_body_bytes} bytes"
    match {
      expr {
        expression = "int(request.headers['content-length']) > ${each.value.max_request_body_bytes}"
      }
    }
  }

  rule {
    action      = "throttle"
    priority    = 2000
    description = "More than ${each.value.requests_per_minute_per_ip} requests a minute from one IP"
    match {
      versioned_expr = "SRC_IPS_V1"
      config {
        src_ip_ranges = ["*"]
      }
    }
    rate_limit_options {
      conform_action = "allow"
      exceed_action  = "deny(429)"
      enforce_on_key = "IP"
      rate_limit_threshold {
        count        = each.value.requests_per_minute_per_ip
        interval_sec = 60
      }
    }
  }

  rule {
    action      = "allow"
    priority    = 2147483647
    description = "Everything else"
    match {
      versioned_expr = "SRC_IPS_V1"
      config {
        src_ip_ranges = ["*"]
      }
    }
  }
}

resource "google_compute_backend_service" "service" {
  for_each = var.services

  project               = var.project_id
  name                  = "${var.name}-${each.key}"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  protocol              = "HTTPS"
  security_policy       = google_compute_security_policy.service[each.key].id

  backend {
    group = google_compute_region_network_endpoint_group.service[each.key].id
  }

  log_config {
    enable      = true
    sample_rate = var.log_sample_rate
  }
}

resource "google_compute_url_map" "edge" {
  project         = var.project_id
  name            = var.name
  default_service = google_compute_backend_service.service[local.default_service].id

  dynamic "host_rule" {
    for_each = var.services
    content {
      hosts        = [host_rule.value.domain]
      path_matcher = host_rule.key
    }
  }

  dynamic "path_matcher" {
    for_each = var.services
    content {
      name            = path_matcher.key
      default_service = google_compute_backend_service.service[path_matcher.key].id
    }
  }
}

resource "google_compute_target_https_proxy" "edge" {
  project          = var.project_id
  name             = "${var.name}-https"
  url_map          = google_compute_url_map.edge.id
  ssl_certificates = [google_compute_managed_ssl_certificate.edge.id]
}

resource "google_compute_global_forwarding_rule" "edge" {
  project               = var.project_id
  name                  = "${var.name}-https"
  load_balancing_scheme = "EXTERNAL_MANAGED"
  ip_address            = google_compute_global_address.edge.address
  port_range            = "443"
  target                = google_compute_target_https_proxy.edge.id
  labels                = var.labels
}
