package plan

// StackCost is the estimated monthly cost of what a stack creates, from the price table of internal/cost.
type StackCost struct {
	Environment string     `json:"environment"`
	Monthly     float64    `json:"monthly"`
	Lines       []CostLine `json:"lines"`
}

// CostLine is one priced item: quantity of units at a price.
type CostLine struct {
	Item     string  `json:"item"`
	Quantity float64 `json:"quantity"`
	Unit     string  `json:"unit"`
	Price    float64 `json:"price"`
	Monthly  float64 `json:"monthly"`
	// Basis says what was counted (3 NAT gateways; db.m7g.xlarge Multi-AZ).
	Basis string `json:"basis"`
}

// CostSummary totals the stacks by environment ("shared" for the org, security and network stacks).
type CostSummary struct {
	Currency     string             `json:"currency"`
	PricesAsOf   string             `json:"pricesAsOf"`
	Environments map[string]float64 `json:"environments"`
	Total        float64            `json:"total"`
	Assumptions  []string           `json:"assumptions"`
}
