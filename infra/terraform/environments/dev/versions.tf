terraform {
  required_version = ">= 1.9"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 6.0, < 8.0"
    }
    google-beta = {
      source  = "hashicorp/google-beta"
      version = ">= 6.0, < 8.0"
    }
  }

  # State in a GCS bucket you create once (see infra/README.md):
  #   terraform init -backend-config="bucket=<state bucket>"
  backend "gcs" {
    prefix = "gpuaas/dev"
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
}

# Only for the Pub/Sub service agent (google_project_service_identity is beta-only).
provider "google-beta" {
  project = var.project_id
  region  = var.region
}
