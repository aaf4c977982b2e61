// Package mocks is the one realistic mock monitor shared by the unit tests, the whole-stack tests and the
// offline plan.
//
// It answers like AWS would: IDs and ARNs in each service's format, in the account and region of the provider
// that manages the resource (the account comes from the provider's assume-role ARN, the management account for
// a provider without one), AZ names for the region, caller identity per provider, and upstream stack outputs for
// stack references. Everything is deterministic: the same program and config give the same IDs. Every
// registration is recorded, with its options, for the plan and for assertions.
package mocks

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Resource is one registration as the monitor saw it.
type Resource struct {
	URN                 string
	Type                string
	Name                string
	Custom              bool
	Parent              string
	Provider            string
	Inputs              resource.PropertyMap
	Outputs             resource.PropertyMap
	ID                  string
	Dependencies        []string
	Protect             bool
	RetainOnDelete      bool
	IgnoreChanges       []string
	DeleteBeforeReplace bool
	// Account and Region are where the resource lives (from its provider).
	Account string
	Region  string
	// Import is the physical ID of an existing resource the registration adopts (pulumi.Import), or "".
	Import string
}

// Monitor implements pulumi.MockResourceMonitor.
type Monitor struct {
	project, stack string
	management     string
	region         string

	mu        sync.Mutex
	upstream  map[string]map[string]any // fully qualified stack name -> outputs
	refs      map[string]bool
	providers map[string]target // provider URN -> where its resources live
	orgID     string
	rootID    string
	subnetAZ  map[string]string // subnet ID -> AZ, for the firewall's per-AZ endpoints
	resources []Resource
	// noSSORoles answers the Identity Center role lookup with no roles, as IAM does before the security stack
	// assigned the permission set to the account.
	noSSORoles bool
}

type target struct{ account, region string }

// Option configures a Monitor.
type Option func(*Monitor)

// WithStackOutputs makes a stack reference to the fully qualified stack name (org/project/stack) read outputs.
func WithStackOutputs(name string, outputs map[string]any) Option {
	return func(m *Monitor) { m.upstream[name] = outputs }
}

// WithoutIdentityCenterRoles makes the lookup of Identity Center roles find none.
func WithoutIdentityCenterRoles() Option { return func(m *Monitor) { m.noSSORoles = true } }

// WithManagementAccount sets the account that ambient credentials (a provider with no assume-role) reach.
func WithManagementAccount(id string) Option { return func(m *Monitor) { m.management = id } }

// New returns a monitor for one stack; region is the stack's aws:region.
func New(project, stack, region string, opts ...Option) *Monitor {
	m := &Monitor{
		project: project, stack: stack, region: region,
		management: AccountID("management:" + project),
		upstream:   map[string]map[string]any{},
		refs:       map[string]bool{},
		providers:  map[string]target{},
		subnetAZ:   map[string]string{},
	}
	for _, o := range opts {
		o(m)
	}
	return m
}

// ManagementAccount is the account ambient credentials reach.
func (m *Monitor) ManagementAccount() string { return m.management }

// AccountID returns a deterministic 12-digit account ID for a seed (an account email, say).
func AccountID(seed string) string {
	sum := sha256.Sum256([]byte("account:" + seed))
	n := new(big.Int).SetBytes(sum[:8])
	n.Mod(n, big.NewInt(900_000_000_000))
	n.Add(n, big.NewInt(100_000_000_000))
	return n.String()
}

func hexID(seed string, n int) string {
	sum := sha256.Sum256([]byte(seed))
	return hex.EncodeToString(sum[:])[:n]
}

func uuid(seed string) string {
	h := hexID(seed, 32)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-8" + h[17:20] + "-" + h[20:32]
}

func lowerAlnum(seed string, n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	sum := sha256.Sum256([]byte(seed))
	out := make([]byte, n)
	for i := range out {
		out[i] = alphabet[int(sum[i%len(sum)])%len(alphabet)]
	}
	return string(out)
}

// urnOf builds the URN the engine gives a registration (the same rule as the SDK's mock monitor).
func (m *Monitor) urnOf(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(m.stack), tokens.PackageName(m.project), parentType, tokens.Type(typ), name))
}

// providerURN strips the ID from a provider reference ("<urn>::<id>").
func providerURN(ref string) string {
	if i := strings.LastIndex(ref, "::"); i > 0 {
		return ref[:i]
	}
	return ref
}

func (m *Monitor) targetOf(providerRef string) target {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t, ok := m.providers[providerURN(providerRef)]; ok {
		return t
	}
	return target{account: m.management, region: m.region}
}

// NewResource answers a registration.
func (m *Monitor) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	var parent string
	rec := Resource{Type: args.TypeToken, Name: args.Name, Custom: args.Custom, Provider: args.Provider, Inputs: args.Inputs}
	if rpc := args.RegisterRPC; rpc != nil {
		parent = rpc.GetParent()
		rec.Dependencies = append([]string(nil), rpc.GetDependencies()...)
		rec.Protect = rpc.GetProtect()
		rec.RetainOnDelete = rpc.GetRetainOnDelete()
		rec.IgnoreChanges = append([]string(nil), rpc.GetIgnoreChanges()...)
		rec.DeleteBeforeReplace = rpc.GetDeleteBeforeReplace()
		rec.Import = rpc.GetImportId()
	}
	if rpc := args.ReadRPC; rpc != nil {
		parent = rpc.GetParent()
	}
	rec.Parent = parent
	rec.URN = m.urnOf(parent, args.TypeToken, args.Name)

	var (
		id   string
		outs resource.PropertyMap
		err  error
	)
	switch {
	case args.TypeToken == "pulumi:pulumi:StackReference":
		id, outs, err = m.stackReference(args)
	case strings.HasPrefix(args.TypeToken, "pulumi:providers:"):
		id, outs = m.provider(rec.URN, args)
	default:
		t := m.targetOf(args.Provider)
		// Only AWS resources live in an account and region; Kubernetes objects live in their cluster.
		if args.Custom && strings.HasPrefix(args.TypeToken, "aws:") {
			rec.Account, rec.Region = t.account, t.region
		}
		id, outs = m.custom(rec.URN, t, args)
	}
	if err != nil {
		return "", nil, err
	}
	if args.ID != "" {
		id = args.ID
	}
	rec.ID, rec.Outputs = id, outs
	m.mu.Lock()
	m.resources = append(m.resources, rec)
	m.mu.Unlock()
	return id, outs, nil
}

func (m *Monitor) stackReference(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	name := args.Name
	if v, ok := args.Inputs["name"]; ok && v.IsString() {
		name = v.StringValue()
	}
	m.mu.Lock()
	outputs, ok := m.upstream[name]
	m.refs[name] = true
	m.mu.Unlock()
	if !ok {
		return "", nil, fmt.Errorf("stack reference %q: no such stack has been planned (stack %q reads it); plan the upstream stack first", name, m.stack)
	}
	return name, resource.PropertyMap{
		"name":              resource.NewProperty(name),
		"outputs":           resource.NewPropertyValue(outputs),
		"secretOutputNames": resource.NewProperty([]resource.PropertyValue{}),
	}, nil
}

func (m *Monitor) provider(urn string, args pulumi.MockResourceArgs) (string, resource.PropertyMap) {
	t := target{account: m.management, region: m.region}
	if r := stringInput(args.Inputs, "region"); r != "" {
		t.region = r
	}
	if arn := assumeRoleARN(args.Inputs); arn != "" {
		if parts := strings.Split(arn, ":"); len(parts) >= 5 && parts[4] != "" {
			t.account = parts[4]
		}
	}
	m.mu.Lock()
	m.providers[urn] = t
	m.mu.Unlock()
	return uuid(urn), args.Inputs.Copy()
}

// assumeRoleARN finds the first assume-role ARN in a provider's inputs, whether the SDK sent the nested
// config as objects or as JSON strings.
func assumeRoleARN(in resource.PropertyMap) string {
	for _, key := range []resource.PropertyKey{"assumeRoles", "assumeRole"} {
		v, ok := in[key]
		if !ok {
			continue
		}
		plain := plainValue(v)
		if s, ok := plain.(string); ok {
			var decoded any
			if json.Unmarshal([]byte(s), &decoded) == nil {
				plain = decoded
			}
		}
		switch x := plain.(type) {
		case []any:
			if len(x) > 0 {
				if obj, ok := x[0].(map[string]any); ok {
					if arn, ok := obj["roleArn"].(string); ok {
						return arn
					}
				}
			}
		case map[string]any:
			if arn, ok := x["roleArn"].(string); ok {
				return arn
			}
		}
	}
	return ""
}

func stringInput(in resource.PropertyMap, key resource.PropertyKey) string {
	if v, ok := in[key]; ok {
		if s, ok := plainValue(v).(string); ok {
			return s
		}
	}
	return ""
}

// Resources returns every registration, sorted by URN.
func (m *Monitor) Resources() []Resource {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := append([]Resource(nil), m.resources...)
	sort.Slice(out, func(i, j int) bool { return out[i].URN < out[j].URN })
	return out
}

// References returns the fully qualified names of the stacks the program read, sorted.
func (m *Monitor) References() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for r := range m.refs {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// ByType returns the registrations of one type token, sorted by URN.
func (m *Monitor) ByType(typ string) []Resource {
	var out []Resource
	for _, r := range m.Resources() {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// Named returns the registration of a type with a logical name.
func (m *Monitor) Named(typ, name string) (Resource, bool) {
	for _, r := range m.Resources() {
		if r.Type == typ && r.Name == name {
			return r, true
		}
	}
	return Resource{}, false
}

// Plain converts a property map to plain Go values: secrets become "[secret]", resource references their URN,
// unknowns "[unknown]".
func Plain(pm resource.PropertyMap) map[string]any {
	out := make(map[string]any, len(pm))
	for k, v := range pm {
		out[string(k)] = plainValue(v)
	}
	return out
}

// plainValue converts one property value; see Plain.
func plainValue(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return "[secret]"
	case v.IsNull():
		return nil
	case v.IsBool():
		return v.BoolValue()
	case v.IsNumber():
		return v.NumberValue()
	case v.IsString():
		return v.StringValue()
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		for i, x := range arr {
			out[i] = plainValue(x)
		}
		return out
	case v.IsObject():
		return Plain(v.ObjectValue())
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
	case v.IsOutput():
		o := v.OutputValue()
		if o.Secret {
			return "[secret]"
		}
		if !o.Known {
			return "[unknown]"
		}
		return plainValue(o.Element)
	case v.IsComputed():
		return "[unknown]"
	case v.IsAsset(), v.IsArchive():
		return "[asset]"
	}
	return fmt.Sprint(v)
}
