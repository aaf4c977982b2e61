package plan

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/innovate-inc/platform/internal/config"
)

// Project is Pulumi.yaml as far as the plan needs it.
type Project struct {
	Name   string
	Dir    string
	Stacks []StackFile
}

// StackFile is one Pulumi.<stack>.yaml with its config flattened the way the Pulumi engine hands it to a program:
// "namespace:key" to string, objects and lists as JSON.
type StackFile struct {
	Name       string
	Path       string
	Config     map[string]string
	SecretKeys []string
}

// Layer is the layer the stack's config names.
func (s StackFile) Layer() config.Layer { return config.Layer(s.Config[config.KeyLayer]) }

// Region is the stack's aws:region.
func (s StackFile) Region() string { return s.Config["aws:region"] }

type projectFile struct {
	Name   string `yaml:"name"`
	Config map[string]struct {
		Type    string `yaml:"type"`
		Default any    `yaml:"default"`
		Value   any    `yaml:"value"`
	} `yaml:"config"`
}

// LoadProject reads Pulumi.yaml and every Pulumi.<stack>.yaml in dir.
func LoadProject(dir string) (*Project, error) {
	text, err := os.ReadFile(filepath.Join(dir, "Pulumi.yaml"))
	if err != nil {
		return nil, fmt.Errorf("reading the project file: %w (run the plan from the repository root or pass --dir)", err)
	}
	var pf projectFile
	if err := yaml.Unmarshal(text, &pf); err != nil {
		return nil, fmt.Errorf("Pulumi.yaml: %w", err)
	}
	if pf.Name == "" {
		return nil, fmt.Errorf("Pulumi.yaml has no name")
	}
	p := &Project{Name: pf.Name, Dir: dir}

	paths, err := filepath.Glob(filepath.Join(dir, "Pulumi.*.yaml"))
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	for _, path := range paths {
		stack := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(path), "Pulumi."), ".yaml")
		sf, err := loadStackFile(pf, stack, path)
		if err != nil {
			return nil, err
		}
		p.Stacks = append(p.Stacks, sf)
	}
	if len(p.Stacks) == 0 {
		return nil, fmt.Errorf("no Pulumi.<stack>.yaml files in %s", dir)
	}
	return p, nil
}

func loadStackFile(pf projectFile, stack, path string) (StackFile, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return StackFile{}, err
	}
	var doc struct {
		Config map[string]any `yaml:"config"`
	}
	if err := yaml.Unmarshal(text, &doc); err != nil {
		return StackFile{}, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	sf := StackFile{Name: stack, Path: path, Config: map[string]string{}}
	qualify := func(k string) string {
		if strings.Contains(k, ":") {
			return k
		}
		return pf.Name + ":" + k
	}
	// Project-level values and defaults first; the stack file overrides them.
	for k, item := range pf.Config {
		v := item.Value
		if v == nil {
			v = item.Default
		}
		if v != nil {
			s, err := flatten(v)
			if err != nil {
				return StackFile{}, fmt.Errorf("Pulumi.yaml config %s: %w", k, err)
			}
			sf.Config[qualify(k)] = s
		}
	}
	for k, v := range doc.Config {
		key := qualify(k)
		if m, ok := v.(map[string]any); ok {
			if _, secure := m["secure"]; secure && len(m) == 1 {
				// Encrypted values cannot be read offline; the program sees a placeholder.
				sf.Config[key] = "[secret]"
				sf.SecretKeys = append(sf.SecretKeys, key)
				continue
			}
		}
		s, err := flatten(v)
		if err != nil {
			return StackFile{}, fmt.Errorf("%s: config %s: %w", filepath.Base(path), k, err)
		}
		sf.Config[key] = s
	}
	sort.Strings(sf.SecretKeys)
	// Pulumi requires every key of the project's namespace that Pulumi.yaml declares without a value or default in
	// every stack: `pulumi up` stops with "Stack 'dev' is missing configuration value ..." before the program runs.
	var missing []string
	for k, item := range pf.Config {
		key := qualify(k)
		if _, set := sf.Config[key]; !set && item.Value == nil && item.Default == nil && strings.HasPrefix(key, pf.Name+":") {
			missing = append(missing, key)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return StackFile{}, fmt.Errorf("%s: stack %q does not set %s, which Pulumi.yaml declares without a default: Pulumi requires it in every stack",
			filepath.Base(path), stack, strings.Join(missing, ", "))
	}
	return sf, nil
}

// flatten renders a config value the way the Pulumi CLI passes it to a program.
func flatten(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case bool, int, int64, float64:
		return fmt.Sprint(x), nil
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return "", err
		}
		return string(b), nil
	}
}
