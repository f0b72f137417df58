package ecsminiapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/fargate"
)

// CostPath serves the cost report (GET, optional ?cluster=NAME|ARN).
const CostPath = "/_ecsmini/cost"

func costHandler(emu *emulator.Emulator, table fargate.PriceTable, source string) http.Handler {
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

// Cost reads the cost report, of one cluster unless cluster is "".
func (c *Client) Cost(ctx context.Context, cluster string) (*emulator.CostReport, error) {
	path := CostPath
	if cluster != "" {
		path += "?cluster=" + url.QueryEscape(cluster)
	}
	var rep emulator.CostReport
	if err := c.do(ctx, "cost", http.MethodGet, path, nil, &rep); err != nil {
		return nil, err
	}
	return &rep, nil
}
