package httpguard

import (
	"mime"
	"net/http"
)

// motoPrefix is where moto's server-mode endpoints live (POST /moto-api/reset). moto's
// client sends them with no Content-Type and no ecsmini header, so the rule for ecsmini's
// own endpoints cannot apply; instead anything a browser would send is refused.
const motoPrefix = "/moto-api/"

// browserLike reports whether r carries what a browser adds and a program does not:
// Fetch Metadata headers, or a body type an HTML form can send.
func browserLike(r *http.Request) bool {
	if r.Header.Get("Sec-Fetch-Mode") != "" || r.Header.Get("Sec-Fetch-Site") != "" {
		return true
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return true
	}
	switch mt {
	case "application/x-www-form-urlencoded", "multipart/form-data", "text/plain":
		return true
	}
	return false
}

func fetchHint(r *http.Request) string {
	if m := r.Header.Get("Sec-Fetch-Mode"); m != "" {
		return ", Sec-Fetch-Mode " + m
	}
	return ""
}
