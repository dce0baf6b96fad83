locals {
  # One Cloud Scheduler job per (service, task), `<task>-<service>`, calling POST <service><path>.
  scheduler_jobs = merge([
    for service, s in local.services : {
      for task in s.tasks : "${task.name}-${service}" => merge(task, { service = service })
    }
  ]...)
}

# Ticks every scheduler task of every service, authenticated like a push: an OIDC token of the
# push account for the service's audience. The URI is the default run.app URL, which Cloud Run
# counts as internal for Cloud Scheduler in the same project: internal-only services get the ticks.
resource "google_cloud_scheduler_job" "task" {
  for_each = local.scheduler_jobs

  project          = var.project_id
  region           = var.region
  name             = each.key
  description      = each.value.description
  schedule         = each.value.schedule
  time_zone        = "Etc/UTC"
  attempt_deadline = "${each.value.attempt_deadline_seconds}s"

  # A failed tick is retried a little, then left to the next tick (every task is idempotent).
  retry_config {
    retry_count          = each.value.retry_count
    min_backoff_duration = "${each.value.min_backoff_seconds}s"
    max_backoff_duration = "${each.value.max_backoff_seconds}s"
    max_doublings        = 2
  }

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
