# The internet-facing services (the services table's edge limits) behind one HTTPS load balancer
# with Cloud Armor, for each domain in edge_domains; their run.app URLs then take internal callers only.
module "public_edge" {
  source = "../public-edge"
  count  = local.deploy && length(var.edge_domains) > 0 ? 1 : 0

  project_id = var.project_id
  region     = var.region
  labels     = local.labels
  services = {
    for name, domain in var.edge_domains : name => {
      domain                     = domain
      cloud_run_service          = module.service[name].name
      requests_per_minute_per_ip = var.services[name].edge.requests_per_minute_per_ip
      max_request_body_bytes     = var.services[name].edge.max_request_body_bytes
    }
  }

  depends_on = [google_project_service.enabled]
}

# The identity CI deploys as, through Workload Identity Federation (no key ever leaves Google).
module "ci_deployer" {
  source = "../ci-deployer"
  count  = var.ci_deployer == null ? 0 : 1

  project_id                  = var.project_id
  github_repository           = var.ci_deployer.github_repository
  allowed_refs                = var.ci_deployer.allowed_refs
  image_repository            = google_artifact_registry_repository.images.name
  image_repository_location   = google_artifact_registry_repository.images.location
  state_bucket                = var.ci_deployer.state_bucket
  runtime_service_account_ids = concat([for s in module.service : s.service_account_id], [google_service_account.push.name])

  depends_on = [google_project_service.enabled]
}
