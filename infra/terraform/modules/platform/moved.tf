# The outbox sweeps were google_cloud_scheduler_job.outbox_sweep keyed by service before every task
# of the services table got a job; these keep the existing jobs instead of recreating them.
moved {
  from = google_cloud_scheduler_job.outbox_sweep["orchestrator"]
  to   = google_cloud_scheduler_job.task["outbox-sweep-orchestrator"]
}

moved {
  from = google_cloud_scheduler_job.outbox_sweep["provisioning-worker"]
  to   = google_cloud_scheduler_job.task["outbox-sweep-provisioning-worker"]
}

moved {
  from = google_cloud_scheduler_job.outbox_sweep["billing-worker"]
  to   = google_cloud_scheduler_job.task["outbox-sweep-billing-worker"]
}
