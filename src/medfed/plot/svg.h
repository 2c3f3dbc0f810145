// A minimal SVG builder for medfed's figures (Kaplan-Meier curves, Manhattan and QQ plots).
// Text is XML-escaped; coordinates are in pixels.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace medfed::plot {

// Colour-blind-safe palette (Okabe & Ito 2008).
const std::vector<std::string>& Palette();

class SvgDocument {
 public:
  SvgDocument(double width, double height);

  void Line(double x1, double y1, double x2, double y2, const std::string& stroke, double width = 1,
            const std::string& dash = "");
  void Polyline(const std::vector<std::pair<double, double>>& points, const std::string& stroke, double width = 1.5);
  void Polygon(const std::vector<std::pair<double, double>>& points, const std::string& fill, double opacity);
  void Rect(double x, double y, double width, double height, const std::string& fill,
            const std::string& stroke = "none");
  void Circle(double x, double y, double radius, const std::string& fill, double opacity = 1);
  // Many dots of one colour as a single path of zero-length round-capped segments (SVG 1.1
  // 11.4: such segments render as dots), a dozen bytes per dot instead of a <circle> each.
  void Dots(const std::vector<std::pair<double, double>>& centres, double radius, const std::string& fill);
  // anchor: "start", "middle" or "end".
  void Text(double x, double y, const std::string& text, const std::string& anchor = "start", double size = 12,
            const std::string& fill = "#222", bool bold = false, double rotate = 0);

  std::string Render() const;

 private:
  double width_, height_;
  std::string body_;
};

std::string EscapeXml(const std::string& text);

}  // namespace medfed::plot
