// Package iamref embeds AWS's action and condition-key lists (see PROVENANCE.md) for tests that check policy
// documents. Only tests import it, so the lists never reach the program binary.
package iamref

import (
	_ "embed"
	"strings"
	"sync"

	"github.com/innovate-inc/platform/internal/iampolicy"
)

var (
	//go:embed actions.txt
	actions string
	//go:embed condition-keys.txt
	conditionKeys string
	//go:embed global-condition-keys.txt
	globalKeys string

	once    sync.Once
	catalog *iampolicy.Catalog
)

// Catalog returns the catalog of the embedded lists.
func Catalog() *iampolicy.Catalog {
	once.Do(func() {
		catalog = iampolicy.NewCatalog(strings.Split(actions, "\n"), strings.Split(conditionKeys, "\n"), strings.Split(globalKeys, "\n"))
	})
	return catalog
}
