package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/ecsmini/ecsmini/emulator"
	pricing "github.com/ecsmini/ecsmini/fargate"
)

// costPath serves the cost report (GET, optional ?cluster=NAME|ARN).
const costPath = "/_ecsmini/cost"

func costHandler(emu *emulator.Emulator, prices pricesFlag) http.Handler {
	table, source := prices.table(), prices.source()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", http.MethodGet)
			http.Error(w, "use GET", http.StatusMethodNotAllowed)
			return
		}
		rep := emu.Cost(time.Time{}, table)
		if c := r.URL.Query().Get("cluster"); c != "" {
			rep = rep.Only(c)
		}
		rep.PriceSource = source
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(rep) // a vanished client is not worth reporting
	})
}

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
