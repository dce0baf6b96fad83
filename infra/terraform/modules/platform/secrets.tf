locals {
  # Every secret an app reads (the services table's secretEnv), and who reads it.
  secrets = toset(flatten([for s in var.services : [for e in values(s.secret_env) : e.secret]]))
  secret_readers = {
    for secret in local.secrets : secret => sort([
      for name, s in var.services : name if contains([for e in values(s.secret_env) : e.secret], secret)
    ])
  }
}

# The secrets themselves; their values are versions added by hand (infra/README.md "Secrets"), so
# no secret value ever passes through Terraform state. Accessors are bound per service in
# modules/cloud-run-service, to the services that read each one.
resource "google_secret_manager_secret" "app" {
  for_each = local.secrets

  project   = var.project_id
  secret_id = each.key
  labels    = merge(local.labels, { readers = join("_", local.secret_readers[each.key]) })

  replication {
    user_managed {
      dynamic "replicas" {
        for_each = length(var.secret_replica_locations) > 0 ? var.secret_replica_locations : [var.region]
        content {
          location = replicas.value
        }
      }
    }
  }

  depends_on = [google_project_service.enabled]
}
