package cli

import (
	"fmt"
	"os"

	pricing "github.com/ecsmini/ecsmini/fargate"
)

// pricesFlag is `up --prices-file FILE`: the file is read and checked when the flag is
// parsed, so a bad file stops ecsmini before it starts.
type pricesFlag struct {
	file   string
	merged *pricing.PriceTable
}

func (p *pricesFlag) String() string { return p.file }
func (p *pricesFlag) Type() string   { return "FILE" }

func (p *pricesFlag) Set(file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	t, err := pricing.MergePrices(pricing.BuiltinPrices(), data)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	p.file, p.merged = file, &t
	return nil
}

func (p *pricesFlag) table() pricing.PriceTable {
	if p.merged == nil {
		return pricing.BuiltinPrices()
	}
	return *p.merged
}

func (p *pricesFlag) source() string {
	builtin := fmt.Sprintf("us-east-1's published on-demand prices; Spot assumed %.0f%% off", pricing.SpotDiscount*100)
	if p.merged != nil {
		return p.file + " over the built-in prices (" + builtin + ")"
	}
	return "built in (" + builtin + ")"
}
