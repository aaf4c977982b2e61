package plan

// AZFailure is what losing each availability zone a stack uses would break, from internal/azfailure.
type AZFailure struct {
	// Zones are the AZs the stack's subnets are in.
	Zones []string `json:"zones"`
	// Survives is true when the stack keeps working after the loss of any one of its zones: no verdict fails
	// and no designed single-AZ dependency is accepted.
	Survives bool        `json:"survives"`
	Verdicts []AZVerdict `json:"verdicts"`
}

// AZ-failure verdict statuses.
const (
	AZOK = "ok"
	// AZAccepted is a single-AZ dependency the config chose (natPerAz false, a single-AZ database where the
	// environment allows it): losing that AZ stops it, by design.
	AZAccepted = "accepted"
	AZFail     = "fail"
)

// AZVerdict is one check of one resource (or of the stack, for a passing check) against the loss of a zone.
type AZVerdict struct {
	// Check is subnets, routes, database, nodes or replicas.
	Check  string `json:"check"`
	Status string `json:"status"`
	// Zone is the AZ whose loss breaks the resource, "any" when it is whichever AZ it lands in, "" for ok.
	Zone     string `json:"zone,omitempty"`
	Resource string `json:"resource,omitempty"`
	Message  string `json:"message"`
}

// CriticalPath is the estimated `pulumi up` time of a stack created from nothing: the longest chain of
// creations through its dependencies, weighted by the typical creation time of each resource type
// (internal/critpath/data/durations.json).
type CriticalPath struct {
	// Seconds is the estimated wall-clock time of the whole stack, assuming unbounded parallelism (Pulumi's
	// default --parallel is large enough for these stacks).
	Seconds int         `json:"seconds"`
	Chain   []ChainStep `json:"chain"`
	// SerialSeconds is the sum of every resource's creation time: what the stack would take one at a time.
	SerialSeconds int `json:"serialSeconds"`
}

// ChainStep is one resource of the critical path, in creation order.
type ChainStep struct {
	Type    string `json:"type"`
	Name    string `json:"name"`
	Start   int    `json:"start"`
	Seconds int    `json:"seconds"`
}
