package config

import (
	"regexp"
	"strings"
)

// Applications configures the application scaffolding the platform hands to product teams in a workload cluster:
// the Flask backend, the React frontend and a flexible worker. Each runs in a namespace of its own name.
type Applications struct {
	Backend  Service `json:"backend"`
	Frontend Service `json:"frontend"`
	Worker   Service `json:"worker"`
}

// Service is one application Deployment.
type Service struct {
	// Image is a repository and tag in the workload account's private ECR ("innovate/backend:1.4.2"), or a full
	// reference whose first part is a registry host.
	Image string `json:"image"`
	// Port is the container port the Service, the probes and the network policies use.
	Port int `json:"port"`
	// Replicas is the Deployment's replica count; for the backend, the HPA minimum.
	Replicas int `json:"replicas"`
	// MaxReplicas is the backend HPA's maximum (backend only).
	MaxReplicas int `json:"maxReplicas,omitempty"`
	// CPU and Memory are each container's requests; memory is also the limit (no CPU limit: throttling hurts
	// latency more than it protects neighbours, and the namespace quota bounds the total).
	CPU    string `json:"cpu"`
	Memory string `json:"memory"`
}

// Names of the application namespaces (one per service).
const (
	AppBackend  = "backend"
	AppFrontend = "frontend"
	AppWorker   = "worker"
)

// Services are the configured services by namespace name, in a fixed order.
func (a Applications) Services() []NamedService {
	return []NamedService{{AppBackend, a.Backend}, {AppFrontend, a.Frontend}, {AppWorker, a.Worker}}
}

// NamedService is a service with its namespace name.
type NamedService struct {
	Name string
	Service
}

var (
	// An image reference with a tag or digest: [registry/]repository(:tag|@sha256:digest); latest is refused.
	imagePattern  = regexp.MustCompile(`^[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9._-]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$`)
	cpuPattern    = regexp.MustCompile(`^([1-9][0-9]{0,4}m|[1-9][0-9]?(\.[0-9]{1,3})?)$`)
	memoryPattern = regexp.MustCompile(`^[1-9][0-9]{0,5}(Mi|Gi)$`)
)

func (a Applications) validate(p *problems, path keyPath) {
	for _, s := range a.Services() {
		key := path.Field(s.Name)
		switch {
		case s.Image == "":
			p.missing(key.Field("image"), "a repository and tag such as innovate/"+s.Name+":1.0.0")
		case !imagePattern.MatchString(s.Image):
			p.bad(key.Field("image"), s.Image, "is not an image reference with a tag or digest such as innovate/%s:1.0.0", s.Name)
		case strings.HasSuffix(s.Image, ":latest"):
			p.bad(key.Field("image"), s.Image, "must pin a version: latest changes under a running Deployment")
		}
		if s.Port < 1024 || s.Port > 65535 {
			p.bad(key.Field("port"), s.Port, "must be between 1024 and 65535: pods run as non-root and cannot bind below 1024")
		}
		if s.Replicas < 2 || s.Replicas > 50 {
			p.bad(key.Field("replicas"), s.Replicas, "must be between 2 and 50: one replica cannot survive a node drain under its disruption budget")
		}
		if s.Name == AppBackend {
			if s.MaxReplicas < s.Replicas || s.MaxReplicas > 100 {
				p.bad(key.Field("maxReplicas"), s.MaxReplicas, "must be between replicas %d and 100", s.Replicas)
			}
		} else if s.MaxReplicas != 0 {
			p.bad(key.Field("maxReplicas"), s.MaxReplicas, "is only for the backend, which the HPA scales")
		}
		if !cpuPattern.MatchString(s.CPU) {
			p.bad(key.Field("cpu"), s.CPU, "is not a CPU quantity such as 250m or 1")
		}
		if !memoryPattern.MatchString(s.Memory) {
			p.bad(key.Field("memory"), s.Memory, "is not a memory quantity such as 512Mi or 1Gi")
		}
	}
}
