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
	// KeyAWSRegion is the region of the stack's default AWS provider; it must be the home region.
	KeyAWSRegion = "aws:region"
)

var knownKeys = map[string]bool{KeyLayer: true, KeyEstate: true, KeyOrganization: true, KeySecurity: true, KeyNetwork: true}

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
		errs = append(errs, fmt.Errorf("%s is not a known key: allowed are %s, %s, %s, %s, %s", k, KeyLayer, KeyEstate, KeyOrganization, KeySecurity, KeyNetwork))
	}

	s.Layer = Layer(raw[KeyLayer])
	s.AWSRegion = raw[KeyAWSRegion]

	if v, ok := raw[KeyEstate]; ok {
		if err := decodeStrict(v, &s.Estate); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", KeyEstate, err))
		}
	}
	if v, ok := raw[KeyOrganization]; ok {
		var o Organization
		if err := decodeStrict(v, &o); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", KeyOrganization, err))
		} else {
			s.Organization = &o
		}
	}
	if v, ok := raw[KeySecurity]; ok {
		var sec Security
		if err := decodeStrict(v, &sec); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", KeySecurity, err))
		} else {
			s.Security = &sec
		}
	}
	if v, ok := raw[KeyNetwork]; ok {
		var n Network
		if err := decodeStrict(v, &n); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", KeyNetwork, err))
		} else {
			s.Network = &n
		}
	}
	return s, errors.Join(errs...)
}

func decodeStrict(text string, into any) error {
	dec := json.NewDecoder(bytes.NewReader([]byte(text)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		return fmt.Errorf("not valid: %w", err)
	}
	return nil
}
