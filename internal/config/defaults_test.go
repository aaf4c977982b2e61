package config

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fill sets every field reachable from v: strings, numbers and bools get a value, slices and maps one entry,
// pointers a target. A config filled this way shares memory with its completed copy wherever the copy is shallow.
func fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("written")
	case reflect.Int:
		v.SetInt(7)
	case reflect.Float64:
		v.SetFloat(7)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem())
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0))
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k)
		fill(e)
		v.SetMapIndex(k, e)
	case reflect.Struct:
		for i := range v.NumField() {
			fill(v.Field(i))
		}
	}
}

// mutate changes every value reachable from v in place, through slices, maps and pointers.
func mutate(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(v.String() + "-mutated")
	case reflect.Int:
		v.SetInt(v.Int() + 1)
	case reflect.Float64:
		v.SetFloat(v.Float() + 1)
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Pointer:
		if !v.IsNil() {
			mutate(v.Elem())
		}
	case reflect.Slice:
		for i := range v.Len() {
			mutate(v.Index(i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			mutate(e)
			v.SetMapIndex(k, e)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			mutate(v.Field(i))
		}
	}
}

func snapshot(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// Mutate-after: changing every value of the completed config afterwards leaves the written config as it was, so
// the two share nothing.
func TestWithDefaultsSharesNothingWithTheWrittenConfig(t *testing.T) {
	var written Stack
	fill(reflect.ValueOf(&written).Elem())
	before := snapshot(t, written)

	complete := written.WithDefaults()
	assert.Equal(t, before, snapshot(t, written), "filling defaults changed the written config")
	mutate(reflect.ValueOf(&complete).Elem())
	assert.Equal(t, before, snapshot(t, written), "the completed config shares memory with the written one")
}

// Defaults taken from package lists are copies: changing a completed config does not change the next one.
func TestWithDefaultsSharesNothingWithThePackageDefaults(t *testing.T) {
	written := Stack{Name: "dev", Organization: &Organization{}, Security: &Security{}, Network: &Network{}, Workload: &Workload{}}
	want := snapshot(t, written.WithDefaults())
	services := slices.Clone(EndpointServices)

	complete := written.WithDefaults()
	mutate(reflect.ValueOf(&complete).Elem())
	assert.Equal(t, want, snapshot(t, written.WithDefaults()))
	assert.Equal(t, services, EndpointServices)
}

// Load decodes the raw strings into a new config; the caller's map is left as it was.
func TestLoadDoesNotChangeItsInput(t *testing.T) {
	raw := validRaw(t)
	before := snapshot(t, raw)
	s, err := Load("org", raw)
	require.NoError(t, err)
	mutate(reflect.ValueOf(s).Elem())
	assert.Equal(t, before, snapshot(t, raw))
}

func TestDeepCopyCopiesEveryField(t *testing.T) {
	var s Stack
	fill(reflect.ValueOf(&s).Elem())
	c := deepCopy(s)
	assert.Equal(t, s, c, "a field JSON does not carry would be lost")
}
