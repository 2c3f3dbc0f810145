#include "medfed/plot/svg.h"

#include <cmath>
#include <cstdio>

namespace medfed::plot {
namespace {

std::string Number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.2f", value);
  return buffer;
}

std::string Points(const std::vector<std::pair<double, double>>& points) {
  std::string text;
  for (const auto& [x, y] : points) text += Number(x) + "," + Number(y) + " ";
  return text;
}

}  // namespace

const std::vector<std::string>& Palette() {
  static const std::vector<std::string> palette = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                                   "#E69F00", "#56B4E9", "#000000", "#F0E442"};
  return palette;
}

std::string EscapeXml(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

SvgDocument::SvgDocument(double width, double height) : width_(width), height_(height) {}

void SvgDocument::Line(double x1, double y1, double x2, double y2, const std::string& stroke, double width,
                       const std::string& dash) {
  body_ += "<line x1=\"" + Number(x1) + "\" y1=\"" + Number(y1) + "\" x2=\"" + Number(x2) + "\" y2=\"" + Number(y2) +
           "\" stroke=\"" + stroke + "\" stroke-width=\"" + Number(width) + "\"" +
           (dash.empty() ? "" : " stroke-dasharray=\"" + dash + "\"") + "/>\n";
}

void SvgDocument::Polyline(const std::vector<std::pair<double, double>>& points, const std::string& stroke,
                           double width) {
  body_ += R"(<polyline fill="none" stroke=")" + stroke + "\" stroke-width=\"" + Number(width) + "\" points=\"" +
           Points(points) + "\"/>\n";
}

void SvgDocument::Polygon(const std::vector<std::pair<double, double>>& points, const std::string& fill,
                          double opacity) {
  body_ += "<polygon fill=\"" + fill + "\" fill-opacity=\"" + Number(opacity) + R"(" stroke="none" points=")" +
           Points(points) + "\"/>\n";
}

void SvgDocument::Rect(double x, double y, double width, double height, const std::string& fill,
                       const std::string& stroke) {
  body_ += "<rect x=\"" + Number(x) + "\" y=\"" + Number(y) + "\" width=\"" + Number(width) + "\" height=\"" +
           Number(height) + "\" fill=\"" + fill + "\" stroke=\"" + stroke + "\"/>\n";
}

void SvgDocument::Circle(double x, double y, double radius, const std::string& fill, double opacity) {
  body_ += "<circle cx=\"" + Number(x) + "\" cy=\"" + Number(y) + "\" r=\"" + Number(radius) + "\" fill=\"" + fill +
           "\"" + (opacity < 1 ? " fill-opacity=\"" + Number(opacity) + "\"" : std::string()) + "/>\n";
}

void SvgDocument::Dots(const std::vector<std::pair<double, double>>& centres, double radius, const std::string& fill) {
  if (centres.empty()) return;
  body_ += R"(<path fill="none" stroke=")" + fill + "\" stroke-width=\"" + Number(2 * radius) +
           R"(" stroke-linecap="round" d=")";
  char buffer[48];
  for (const auto& [x, y] : centres) {
    std::snprintf(buffer, sizeof(buffer), "M%.1f %.1fh0", x, y);
    body_ += buffer;
  }
  body_ += "\"/>\n";
}

void SvgDocument::Text(double x, double y, const std::string& text, const std::string& anchor, double size,
                       const std::string& fill, bool bold, double rotate) {
  body_ += "<text x=\"" + Number(x) + "\" y=\"" + Number(y) + "\" font-size=\"" + Number(size) + "\" text-anchor=\"" +
           anchor + "\" fill=\"" + fill + "\"" + (bold ? " font-weight=\"bold\"" : "") +
           (rotate != 0 ? " transform=\"rotate(" + Number(rotate) + " " + Number(x) + " " + Number(y) + ")\""
                        : std::string()) +
           ">" + EscapeXml(text) + "</text>\n";
}

std::string SvgDocument::Render() const {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
         Number(width_) + "\" height=\"" + Number(height_) + "\" viewBox=\"0 0 " + Number(width_) + " " +
         Number(height_) +
         "\" font-family=\"Helvetica, Arial, sans-serif\">\n<rect width=\"100%\" height=\"100%\" "
         "fill=\"white\"/>\n" +
         body_ + "</svg>\n";
}

}  // namespace medfed::plot
