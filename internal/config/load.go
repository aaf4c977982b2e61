package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Keys of the platform namespace, as they appear in Pulumi.<stack>.yaml.
const (
	KeyLayer        = Namespace + ":layer"
	KeyEstate       = Namespace + ":estate"
	KeyOrganization = Namespace + ":organization"
	KeySecurity     = Namespace + ":security"
	KeyNetwork      = Namespace + ":network"
	KeyWorkload     = Namespace + ":workload"
	// KeyAWSRegion is the region of the stack's default AWS provider; it must be the home region.
	KeyAWSRegion = "aws:region"
)

var knownKeys = map[string]bool{KeyLayer: true, KeyEstate: true, KeyOrganization: true, KeySecurity: true, KeyNetwork: true, KeyWorkload: true, KeyWaivers: true, KeyDelivery: true, KeyProviderRole: true}

// Load runs the whole config pipeline for one stack: parse the raw values (Pulumi's "namespace:key" to string
// map, objects as JSON), validate what the user wrote, fill defaults into a copy, validate the completed config.
// The error lists every problem found, each naming its key path.
func Load(stackName string, raw map[string]string) (*Stack, error) {
	written, err := Parse(stackName, raw)
	if err != nil {
		return nil, err
	}
	if err := written.Validate(); err != nil {
		return nil, err
	}
	complete := written.WithDefaults()
	if err := complete.ValidateComplete(); err != nil {
		return nil, err
	}
	return &complete, nil
}

// Parse decodes the raw config strictly: unknown platform keys and unknown fields are errors.
func Parse(stackName string, raw map[string]string) (Stack, error) {
	s := Stack{Name: stackName}
	var errs []error

	var unknown []string
	for k := range raw {
		if strings.HasPrefix(k, Namespace+":") && !knownKeys[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		errs = append(errs, fmt.Errorf("%s is not a known key: allowed are %s, %s, %s, %s, %s, %s, %s, %s, %s", k, KeyLayer, KeyEstate, KeyOrganization, KeySecurity, KeyNetwork, KeyWorkload, KeyWaivers, KeyDelivery, KeyProviderRole))
	}

	s.Layer = Layer(raw[KeyLayer])
	s.AWSRegion = raw[KeyAWSRegion]

	if e := section[Estate](raw, KeyEstate, &errs); e != nil {
		s.Estate = *e
	}
	s.Organization = section[Organization](raw, KeyOrganization, &errs)
	s.Security = section[Security](raw, KeySecurity, &errs)
	s.Network = section[Network](raw, KeyNetwork, &errs)
	s.Workload = section[Workload](raw, KeyWorkload, &errs)
	if w := section[[]Waiver](raw, KeyWaivers, &errs); w != nil {
		s.Waivers = *w
	}
	s.Delivery = section[Delivery](raw, KeyDelivery, &errs)
	s.ProviderRole = raw[KeyProviderRole]
	return s, errors.Join(errs...)
}

// section decodes one config key into its type, or records why it cannot; absent keys give nil.
func section[T any](raw map[string]string, key string, errs *[]error) *T {
	v, ok := raw[key]
	if !ok {
		return nil
	}
	var out T
	if err := decodeStrict(v, &out); err != nil {
		*errs = append(*errs, fmt.Errorf("%s: %w", key, err))
		return nil
	}
	return &out
}

func decodeStrict(text string, into any) error {
	dec := json.NewDecoder(bytes.NewReader([]byte(text)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		return fmt.Errorf("not valid: %w", err)
	}
	return nil
}
