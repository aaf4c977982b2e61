// Package iampolicy is the typed form of every JSON policy document the platform writes (IAM, SCP, trust, key,
// bucket, topic and queue policies) and the checker that holds them to AWS's action and condition-key lists.
package iampolicy

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Version is the only policy language version AWS accepts for new documents.
const Version = "2012-10-17"

// Document is a policy document.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one statement. Slices marshal as JSON arrays; AWS accepts a one-element array wherever a string
// is allowed.
type Statement struct {
	Sid          string     `json:"Sid,omitempty"`
	Effect       string     `json:"Effect"`
	Principal    *Principal `json:"Principal,omitempty"`
	NotPrincipal *Principal `json:"NotPrincipal,omitempty"`
	Action       []string   `json:"Action,omitempty"`
	NotAction    []string   `json:"NotAction,omitempty"`
	Resource     []string   `json:"Resource,omitempty"`
	NotResource  []string   `json:"NotResource,omitempty"`
	Condition    Condition  `json:"Condition,omitempty"`
}

// Principal names who a resource policy or trust policy applies to.
type Principal struct {
	AWS       []string `json:"AWS,omitempty"`
	Service   []string `json:"Service,omitempty"`
	Federated []string `json:"Federated,omitempty"`
}

// Condition maps an operator (StringEquals) to condition keys and their values.
type Condition map[string]map[string][]string

// Effects.
const (
	Allow = "Allow"
	Deny  = "Deny"
)

// New returns a document of the statements.
func New(statements ...Statement) Document {
	return Document{Version: Version, Statement: statements}
}

// JSON returns the compact JSON form. Compact matters: SCPs are limited to 5,120 characters, whitespace included.
func (d Document) JSON() (string, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("marshalling policy document: %w", err)
	}
	return string(b), nil
}

// MustJSON is JSON for documents built from constants, where an error is a programming error.
func (d Document) MustJSON() string {
	s, err := d.JSON()
	if err != nil {
		panic(err)
	}
	return s
}

// Parse reads a policy document, accepting the string-or-array forms AWS accepts.
func Parse(text string) (Document, error) {
	var raw struct {
		Version   string            `json:"Version"`
		Statement []json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		return Document{}, fmt.Errorf("policy is not JSON: %w", err)
	}
	doc := Document{Version: raw.Version}
	for i, rs := range raw.Statement {
		var s struct {
			Sid          string                                `json:"Sid"`
			Effect       string                                `json:"Effect"`
			Principal    json.RawMessage                       `json:"Principal"`
			NotPrincipal json.RawMessage                       `json:"NotPrincipal"`
			Action       stringOrList                          `json:"Action"`
			NotAction    stringOrList                          `json:"NotAction"`
			Resource     stringOrList                          `json:"Resource"`
			NotResource  stringOrList                          `json:"NotResource"`
			Condition    map[string]map[string]json.RawMessage `json:"Condition"`
		}
		dec := json.NewDecoder(bytes.NewReader(rs))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&s); err != nil {
			return Document{}, fmt.Errorf("Statement[%d]: %w", i, err)
		}
		st := Statement{Sid: s.Sid, Effect: s.Effect, Action: s.Action, NotAction: s.NotAction,
			Resource: s.Resource, NotResource: s.NotResource}
		var err error
		if st.Principal, err = parsePrincipal(s.Principal); err != nil {
			return Document{}, fmt.Errorf("Statement[%d].Principal: %w", i, err)
		}
		if st.NotPrincipal, err = parsePrincipal(s.NotPrincipal); err != nil {
			return Document{}, fmt.Errorf("Statement[%d].NotPrincipal: %w", i, err)
		}
		if s.Condition != nil {
			st.Condition = Condition{}
			for op, keys := range s.Condition {
				st.Condition[op] = map[string][]string{}
				for k, v := range keys {
					var vals stringOrList
					if err := vals.UnmarshalJSON(v); err != nil {
						return Document{}, fmt.Errorf("Statement[%d].Condition.%s.%s: %w", i, op, k, err)
					}
					st.Condition[op][k] = vals
				}
			}
		}
		doc.Statement = append(doc.Statement, st)
	}
	return doc, nil
}

func parsePrincipal(raw json.RawMessage) (*Principal, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	var star string
	if json.Unmarshal(raw, &star) == nil {
		if star != "*" {
			return nil, fmt.Errorf("a string principal must be \"*\", got %q", star)
		}
		return &Principal{AWS: []string{"*"}}, nil
	}
	var m map[string]stringOrList
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	p := &Principal{}
	for k, v := range m {
		switch k {
		case "AWS":
			p.AWS = v
		case "Service":
			p.Service = v
		case "Federated":
			p.Federated = v
		default:
			return nil, fmt.Errorf("unknown principal type %q", k)
		}
	}
	return p, nil
}

type stringOrList []string

func (s *stringOrList) UnmarshalJSON(b []byte) error {
	var one any
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	switch v := one.(type) {
	case string:
		*s = []string{v}
	case bool:
		*s = []string{fmt.Sprint(v)}
	case float64:
		*s = []string{fmt.Sprint(v)}
	case []any:
		for _, x := range v {
			str, ok := x.(string)
			if !ok {
				return fmt.Errorf("list element %v is not a string", x)
			}
			*s = append(*s, str)
		}
	default:
		return fmt.Errorf("want a string or a list of strings, got %T", one)
	}
	return nil
}

// AccountAdministers is the key-policy statement that leaves a key's administration to its account's IAM
// policies (without it, nobody but the listed principals can ever manage the key).
func AccountAdministers(accountID string) Statement {
	return Statement{Sid: "AccountAdministers", Effect: Allow,
		Principal: &Principal{AWS: []string{"arn:aws:iam::" + accountID + ":root"}},
		Action:    []string{"kms:*"}, Resource: []string{"*"}}
}

// ServiceTrust is a trust policy that lets a service assume a role, on behalf of one account when sourceAccount
// is set (the confused-deputy guard for services that send aws:SourceAccount).
func ServiceTrust(service, sourceAccount string) Document {
	st := Statement{Sid: "ServiceAssumes", Effect: Allow,
		Principal: &Principal{Service: []string{service}},
		Action:    []string{"sts:AssumeRole"}}
	if sourceAccount != "" {
		st.Condition = Condition{"StringEquals": {"aws:SourceAccount": {sourceAccount}}}
	}
	return New(st)
}

// PodIdentityTrust lets EKS Pod Identity of one account assume a role for a Kubernetes service account.
func PodIdentityTrust(accountID string) Document {
	doc := ServiceTrust("pods.eks.amazonaws.com", accountID)
	doc.Statement[0].Action = []string{"sts:AssumeRole", "sts:TagSession"}
	return doc
}

// FillPullThroughCaches lets a node role pull an image through another account's pull-through cache for the
// first time: ECR creates the cached repository and imports the image on the caller's behalf, and a cross-account
// caller needs both actions in its own policy as well as in the registry's.
func FillPullThroughCaches(repositoryARNs []string) Document {
	return New(Statement{Sid: "FillPullThroughCaches", Effect: Allow,
		Action: []string{"ecr:CreateRepository", "ecr:BatchImportUpstreamImage"}, Resource: repositoryARNs})
}

// DenyInsecureTransport is the resource-policy statement that refuses every request not made over TLS.
func DenyInsecureTransport(actions []string, resources ...string) Statement {
	return Statement{Sid: "DenyInsecureTransport", Effect: Deny, Principal: &Principal{AWS: []string{"*"}},
		Action: actions, Resource: resources, Condition: Condition{"Bool": {"aws:SecureTransport": {"false"}}}}
}
