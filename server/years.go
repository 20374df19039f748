package server

import (
	"github.com/dmzmap/dmzmap/data"
	"github.com/gofiber/fiber/v2"
)

// yearsAnswer is the body of /api/years. First and Last are null when no
// incident matches.
type yearsAnswer struct {
	Years []yearCount `json:"years"`
	First *int        `json:"first"`
	Last  *int        `json:"last"`
	Total int         `json:"total"`
}

type yearCount struct {
	Year   int               `json:"year"`
	Total  int               `json:"total"`
	ByType map[data.Type]int `json:"by_type"`
}

// GET /api/years
func (s *Server) handleYears(c *fiber.Ctx) error {
	q, err := s.parseQuery(c, "/api/years", false, 0)
	if err != nil {
		return err
	}
	counts, err := s.store.Years(q.filter)
	if err != nil {
		return err
	}
	types := q.filter.Types
	if len(types) == 0 {
		types = data.Types
	}
	ans := yearsAnswer{Years: make([]yearCount, 0, len(counts))}
	for _, yc := range counts {
		by := make(map[data.Type]int, len(types))
		for _, t := range types {
			by[t] = yc.ByType[t]
		}
		ans.Years = append(ans.Years, yearCount{Year: yc.Year, Total: yc.Total, ByType: by})
		ans.Total += yc.Total
	}
	if n := len(counts); n > 0 {
		ans.First, ans.Last = &counts[0].Year, &counts[n-1].Year
	}
	return c.JSON(ans)
}
