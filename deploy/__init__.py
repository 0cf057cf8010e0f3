"""Running DeepDive Lab for a class beyond one process: HAProxy in front of several replicas (serve.py),
and the same topology as a Dockerfile, a Compose file and Kubernetes manifests."""
