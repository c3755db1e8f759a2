// Package geo holds the WGS-84 point type and great-circle distance used by
// filters and matchmaking.
package geo

import (
	"errors"
	"math"
)

// Point is a WGS-84 position in decimal degrees.
type Point struct {
	Latitude  float64
	Longitude float64
}

// earthRadiusKm is the mean Earth radius (IUGG), the same sphere Neo4j's
// point.distance uses for WGS-84 points.
const earthRadiusKm = 6371.0088

// ErrOutOfRange reports a latitude outside [-90, 90] or a longitude outside [-180, 180].
var ErrOutOfRange = errors.New("coordinates out of range")

// Validate checks the point's ranges.
func (p Point) Validate() error {
	if math.IsNaN(p.Latitude) || math.IsNaN(p.Longitude) ||
		p.Latitude < -90 || p.Latitude > 90 || p.Longitude < -180 || p.Longitude > 180 {
		return ErrOutOfRange
	}
	return nil
}

// DistanceKm is the haversine great-circle distance between a and b.
func DistanceKm(a, b Point) float64 {
	const rad = math.Pi / 180
	dLat := (b.Latitude - a.Latitude) * rad
	dLon := (b.Longitude - a.Longitude) * rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) +
		math.Cos(a.Latitude*rad)*math.Cos(b.Latitude*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(h)))
}
