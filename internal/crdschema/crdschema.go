// Package crdschema validates custom objects against their CustomResourceDefinition the way the Kubernetes API
// server does on create: group, version and kind served; pruning with unknown fields reported (strict field
// validation); defaulting; OpenAPI v3 schema validation; and the CEL x-kubernetes-validations rules. Only tests
// import it, so the Kubernetes server libraries never reach the program binary.
package crdschema

import (
	"context"
	"fmt"
	"strings"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apimachinery/pkg/util/yaml"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
)

// Validator checks objects of one CRD.
type Validator struct {
	Group    string
	Kind     string
	versions map[string]version
}

type version struct {
	served     bool
	structural *schema.Structural
	openAPI    validation.SchemaValidator
	cel        *cel.Validator
}

// Load reads a CRD manifest and prepares its served versions.
func Load(manifest []byte) (*Validator, error) {
	var crd apiextensionsv1.CustomResourceDefinition
	if err := yaml.Unmarshal(manifest, &crd); err != nil {
		return nil, fmt.Errorf("reading CRD: %w", err)
	}
	v := &Validator{Group: crd.Spec.Group, Kind: crd.Spec.Names.Kind, versions: map[string]version{}}
	for _, ver := range crd.Spec.Versions {
		if ver.Schema == nil || ver.Schema.OpenAPIV3Schema == nil {
			return nil, fmt.Errorf("CRD %s version %s has no schema", crd.Name, ver.Name)
		}
		var internal apiextensions.JSONSchemaProps
		if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(ver.Schema.OpenAPIV3Schema, &internal, nil); err != nil {
			return nil, fmt.Errorf("CRD %s version %s: %w", crd.Name, ver.Name, err)
		}
		structural, err := schema.NewStructural(&internal)
		if err != nil {
			return nil, fmt.Errorf("CRD %s version %s is not structural: %w", crd.Name, ver.Name, err)
		}
		openAPI, _, err := validation.NewSchemaValidator(&internal)
		if err != nil {
			return nil, fmt.Errorf("CRD %s version %s: %w", crd.Name, ver.Name, err)
		}
		v.versions[ver.Name] = version{
			served: ver.Served, structural: structural, openAPI: openAPI,
			cel: cel.NewValidator(structural, true, celconfig.PerCallLimit),
		}
	}
	return v, nil
}

// Validate checks an object for creation and returns every error, with the object as the API server would store
// it (pruned and defaulted). The object is not modified.
func (v *Validator) Validate(obj map[string]any) (field.ErrorList, map[string]any) {
	obj = runtime.DeepCopyJSON(obj)
	var errs field.ErrorList
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	group, ver, ok := strings.Cut(apiVersion, "/")
	if !ok {
		group, ver = "", apiVersion
	}
	if group != v.Group || kind != v.Kind {
		return append(errs, field.Invalid(field.NewPath("apiVersion"), apiVersion+", kind="+kind,
			fmt.Sprintf("no such kind: this CRD serves %s/%s", v.Group, v.Kind))), obj
	}
	s, ok := v.versions[ver]
	if !ok || !s.served {
		return append(errs, field.NotSupported(field.NewPath("apiVersion"), apiVersion, v.served())), obj
	}
	meta, _ := obj["metadata"].(map[string]any)
	if name, _ := meta["name"].(string); name == "" {
		errs = append(errs, field.Required(field.NewPath("metadata", "name"), "every object has a name"))
	}

	unknown := pruning.PruneWithOptions(obj, s.structural, true, schema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})
	for _, path := range unknown {
		errs = append(errs, field.Invalid(field.NewPath(path), nil, fmt.Sprintf("unknown field %q", path)))
	}
	defaulting.Default(obj, s.structural)
	errs = append(errs, validation.ValidateCustomResource(nil, obj, s.openAPI)...)
	celErrs, _ := s.cel.Validate(context.Background(), nil, s.structural, obj, nil, celconfig.RuntimeCELCostBudget)
	errs = append(errs, celErrs...)
	return errs, obj
}

func (v *Validator) served() []string {
	var out []string
	for name, s := range v.versions {
		if s.served {
			out = append(out, v.Group+"/"+name)
		}
	}
	return out
}
