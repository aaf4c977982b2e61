// Package inputschema checks the Go types of resources the program registers by type token (ctx.RegisterResource
// with a local inputs struct, to keep a large generated SDK package out of the build) against the provider SDK's
// own Go types, through their `pulumi:"..."` tags: every key the program sends is one the provider takes, with a
// value of the same shape (string, number, bool, list, map or object, recursively), every required input is sent,
// and every output the program reads is one the resource has. Only tests import it, with the SDK package beside
// it; it imports no SDK itself.
package inputschema

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
)

// elementTyper is what Pulumi's Input and Output types implement: the plain Go type of the value they carry.
type elementTyper interface{ ElementType() reflect.Type }

var elementTyperType = reflect.TypeFor[elementTyper]()

// Inputs checks a local inputs struct against the SDK's plain inputs type of the same resource (the type that the
// SDK's <Resource>Args.ElementType() returns, e.g. costexplorer.AnomalyMonitorArgs{}.ElementType()), and returns
// one line per problem, with the key path: an unknown key, a value of another shape, a required input missing.
func Inputs(local, sdk reflect.Type) []string {
	return compare(local, sdk, "", true)
}

// Outputs checks that every output a local state struct reads (its `pulumi:"..."` fields) is one the SDK's
// resource type has (e.g. costexplorer.AnomalyMonitor), of the same shape.
func Outputs(local, sdk reflect.Type) []string {
	return compare(local, sdk, "", false)
}

// compare walks local against sdk. required: also report the inputs sdk requires that local does not have.
func compare(local, sdk reflect.Type, path string, required bool) []string {
	local, sdk = plain(local), plain(sdk)
	lk, sk := shape(local), shape(sdk)
	if sk == "any" || lk == "any" {
		// The provider takes any value here (an int-or-string, say), or the program reads it untyped.
		return nil
	}
	if lk == "map" && sk == "object" && !required {
		// An output read as a map of one shape (a list of string maps, say): every field must have that shape.
		var out []string
		for name, t := range Fields(sdk) {
			out = append(out, compare(local.Elem(), t, path+name+".", required)...)
		}
		slices.Sort(out)
		return out
	}
	if lk != sk {
		return []string{fmt.Sprintf("%s: %s (%s), the provider takes %s (%s)", strings.TrimSuffix(path, "."), lk, local, sk, sdk)}
	}
	switch lk {
	case "list", "map":
		return compare(local.Elem(), sdk.Elem(), path, required)
	case "object":
		return compareFields(local, sdk, path, required)
	}
	return nil
}

func compareFields(local, sdk reflect.Type, path string, required bool) []string {
	var out []string
	theirs := Fields(sdk)
	ours := Fields(local)
	for _, name := range slices.Sorted(maps.Keys(ours)) {
		t, ok := theirs[name]
		if !ok {
			what := "an input of the provider"
			if !required {
				what = "an output of the resource"
			}
			out = append(out, path+name+": not "+what)
			continue
		}
		out = append(out, compare(ours[name], t, path+name+".", required)...)
	}
	if required {
		for _, name := range slices.Sorted(maps.Keys(theirs)) {
			if _, ok := ours[name]; !ok && isRequired(theirs[name]) {
				out = append(out, path+name+": required by the provider, not sent")
			}
		}
	}
	return out
}

// Fields are a struct type's fields by the name in their `pulumi:"..."` tag (untagged fields, such as the embedded
// resource state, are left out).
func Fields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("pulumi"), ","); name != "" {
			fields[name] = t.Field(i).Type
		}
	}
	return fields
}

// isRequired: the SDK's plain inputs types hold a required scalar or object by value and an optional one by
// pointer (lists and maps are slices and maps either way, so their being required cannot be told from the type).
func isRequired(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		return false
	}
	return true
}

// plain is the Go type a value of t carries: pointers dereferenced, and Pulumi Input and Output types (pulumi.String,
// pulumi.StringInput, pulumi.StringOutput, an SDK's ...ArrayOutput) replaced by their element type.
func plain(t reflect.Type) reflect.Type {
	for {
		switch {
		case t.Kind() == reflect.Pointer:
			t = t.Elem()
		case t.Kind() == reflect.Interface && t.NumMethod() > 0:
			// An Input interface: its To<Name>Output method returns the Output type, whose element is the value.
			m, ok := t.MethodByName("To" + strings.TrimSuffix(t.Name(), "Input") + "Output")
			if !ok {
				return t
			}
			t = m.Type.Out(0)
		case t.Implements(elementTyperType):
			e := reflect.Zero(t).Interface().(elementTyper).ElementType()
			if e == t {
				return t
			}
			t = e
		default:
			return t
		}
	}
}

// shape is the kind of value a type carries, as the provider's schema tells them apart.
func shape(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "bool"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "list"
	case reflect.Map:
		return "map"
	case reflect.Struct:
		return "object"
	case reflect.Interface:
		return "any"
	}
	return t.Kind().String()
}
