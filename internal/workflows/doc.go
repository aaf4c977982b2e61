// Package workflows holds the test that lints .github/workflows with actionlint (as a library) and checks the
// platform's own rules for them: every action pinned by commit SHA, OIDC instead of keys, Go caches, prod behind
// the protected environment. It has no code of its own: only its test links actionlint.
package workflows
