locals {
  operator_members = [
    for email in var.operator_emails :
    endswith(email, ".gserviceaccount.com") ? "serviceAccount:${email}" : "user:${email}"
  ]
  # Operator services with no public invoker (replay): Cloud Run lets operators in only by IAM.
  operator_invokers = {
    for pair in setproduct(
      [for name, s in local.services : name if s.operator_api && !s.allow_unauthenticated],
      local.operator_members,
    ) : "${pair[0]} ${pair[1]}" => { service = pair[0], member = pair[1] }
  }
}

resource "google_cloud_run_v2_service_iam_member" "operator" {
  for_each = local.operator_invokers

  project  = var.project_id
  location = module.service[each.value.service].location
  name     = module.service[each.value.service].name
  role     = "roles/run.invoker"
  member   = each.value.member

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

  depends_on = [google_project_service.enabled]
}
