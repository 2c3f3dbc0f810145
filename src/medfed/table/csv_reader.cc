#include "medfed/table/csv_reader.h"

#include <emmintrin.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <deque>
#include <unordered_map>
#include <unordered_set>

#include "medfed/core/file.h"
#include "medfed/core/text.h"
#include "medfed/core/utf8.h"

namespace medfed::table {
namespace {

// A field as it appears in the text: `escaped` when it was quoted and holds doubled quotes
// that must be collapsed before use.
struct RawField {
  std::string_view text;
  bool escaped = false;
};

std::string Unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    out += text[i];
    if (text[i] == '"' && i + 1 < text.size() && text[i + 1] == '"') ++i;
  }
  return out;
}

std::string_view TrimBlanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Position of the first delimiter, CR, LF or quote in [position, size), or size. SSE2 compares
// sixteen bytes at a time; fields are short, but rows of long text fields benefit most.
inline size_t FindSpecial(std::string_view text, size_t position, char delimiter) {
  const size_t size = text.size();
  const char* data = text.data();
  const __m128i delimiters = _mm_set1_epi8(delimiter);
  const __m128i newlines = _mm_set1_epi8('\n');
  const __m128i returns = _mm_set1_epi8('\r');
  const __m128i quotes = _mm_set1_epi8('"');
  while (position + 16 <= size) {
    __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + position));
    __m128i hits = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(chunk, delimiters), _mm_cmpeq_epi8(chunk, newlines)),
                                _mm_or_si128(_mm_cmpeq_epi8(chunk, returns), _mm_cmpeq_epi8(chunk, quotes)));
    int mask = _mm_movemask_epi8(hits);
    if (mask != 0) return position + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
    position += 16;
  }
  while (position < size) {
    char c = data[position];
    if (c == delimiter || c == '\n' || c == '\r' || c == '"') return position;
    ++position;
  }
  return size;
}

class RecordParser {
 public:
  RecordParser(std::string_view text, std::string source, char delimiter)
      : text_(text), source_(std::move(source)), delimiter_(delimiter) {}

  size_t position() const { return position_; }
  uint64_t line() const { return line_; }
  void Seek(size_t position, uint64_t line) {
    position_ = position;
    line_ = line;
  }
  bool AtEnd() const { return position_ >= text_.size(); }
  // Columns whose unquoted values keep their leading and trailing blanks (CsvOptions::text_columns).
  void KeepBlanks(std::vector<bool> columns) { keep_blanks_ = std::move(columns); }

  // Parses the record starting at the current position into `fields`. Blank lines are skipped
  // first. Returns false at the end of the text.
  StatusOr<bool> Next(std::vector<RawField>& fields, uint64_t& record_line, size_t& record_offset) {
    SkipBlankLines();
    if (AtEnd()) return false;
    record_line = line_;
    record_offset = position_;
    fields.clear();
    const size_t size = text_.size();
    while (true) {
      RawField field;
      if (position_ < size && text_[position_] == '"') {
        const uint64_t opening_line = line_;
        size_t content_start = ++position_;
        while (true) {
          const void* found = std::memchr(text_.data() + position_, '"', size - position_);
          if (found == nullptr) {
            return Error(opening_line, fields.size(),
                         "a quoted field is never closed (the file ends inside it); add the "
                         "missing closing quote, or double any quote inside the value (\"\")");
          }
          auto quote = static_cast<size_t>(static_cast<const char*>(found) - text_.data());
          line_ += static_cast<uint64_t>(
              std::count(text_.begin() + static_cast<long>(position_), text_.begin() + static_cast<long>(quote), '\n'));
          if (quote + 1 < size && text_[quote + 1] == '"') {
            field.escaped = true;
            position_ = quote + 2;
            continue;
          }
          field.text = text_.substr(content_start, quote - content_start);
          position_ = quote + 1;
          break;
        }
        if (position_ < size && text_[position_] != delimiter_ && text_[position_] != '\n' &&
            text_[position_] != '\r') {
          // Allow blanks between the closing quote and the delimiter.
          size_t look = position_;
          while (look < size && (text_[look] == ' ' || text_[look] == '\t')) ++look;
          if (look < size && text_[look] != delimiter_ && text_[look] != '\n' && text_[look] != '\r') {
            return Error(line_, fields.size(),
                         "unexpected text after a closing quote; quote the whole value and "
                         "double the quotes inside it (\"\")");
          }
          position_ = look;
        }
      } else {
        size_t start = position_;
        position_ = FindSpecial(text_, position_, delimiter_);
        if (position_ < size && text_[position_] == '"') {
          return Error(line_, fields.size(),
                       "stray quote inside an unquoted value; quote the whole value and "
                       "double the quotes inside it (\"\")");
        }
        field.text = text_.substr(start, position_ - start);
        const size_t column = fields.size();
        if (column >= keep_blanks_.size() || !keep_blanks_[column]) field.text = TrimBlanks(field.text);
      }
      fields.push_back(field);
      if (position_ >= size) return true;
      char c = text_[position_];
      if (c == delimiter_) {
        ++position_;
        continue;
      }
      if (c == '\r') ++position_;
      if (position_ < size && text_[position_] == '\n') ++position_;
      ++line_;
      return true;
    }
  }

  Status Error(uint64_t line, size_t field_index, const std::string& what) const {
    return InvalidArgument(source_ + ":" + std::to_string(line) + ": column " + std::to_string(field_index + 1) + ": " +
                           what);
  }

 private:
  std::vector<bool> keep_blanks_;
  void SkipBlankLines() {
    const size_t size = text_.size();
    while (position_ < size) {
      size_t look = position_;
      while (look < size && (text_[look] == ' ' || text_[look] == '\t')) ++look;
      if (look < size && text_[look] == '\r') ++look;
      if (look < size && text_[look] == '\n') {
        position_ = look + 1;
        ++line_;
      } else if (look == size) {
        position_ = size;
      } else {
        return;
      }
    }
  }

  std::string_view text_;
  std::string source_;
  char delimiter_;
  size_t position_ = 0;
  uint64_t line_ = 1;
};

enum class ValueKind { kMissing, kBoolean, kInteger, kFloat, kText };

struct Classified {
  ValueKind kind = ValueKind::kMissing;
  int64_t integer = 0;
  double number = 0;
  bool boolean = false;
};

// Exact powers of ten up to 1e22 (all representable in a double).
constexpr double kPowersOfTen[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// Plain decimals ("-12", "3.25") with at most 15 significant digits: the integer mantissa and
// the power of ten are both exact doubles, so one IEEE division gives the correctly rounded
// value (Clinger's fast path). Anything else goes to std::from_chars.
bool ParseSimpleDecimal(std::string_view text, Classified& value) {
  size_t i = 0;
  bool negative = false;
  if (text[0] == '-' || text[0] == '+') {
    negative = text[0] == '-';
    i = 1;
  }
  uint64_t mantissa = 0;
  int digits = 0;
  int decimals = 0;
  bool seen_point = false;
  bool any_digit = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      any_digit = true;
      if (mantissa != 0 || c != '0') ++digits;
      if (digits > 15) return false;
      mantissa = mantissa * 10 + static_cast<uint64_t>(c - '0');
      // Leading zeros after the point ("0.000…01") add decimals but no digits: past 1e22 the
      // divisor is no longer exact (and past the table), so from_chars takes over.
      if (seen_point && ++decimals > 22) return false;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      return false;
    }
  }
  if (!any_digit) return false;
  if (!seen_point) {
    value.kind = ValueKind::kInteger;
    value.integer = negative ? -static_cast<int64_t>(mantissa) : static_cast<int64_t>(mantissa);
    return true;
  }
  value.kind = ValueKind::kFloat;
  double number = static_cast<double>(mantissa) / kPowersOfTen[decimals];
  value.number = negative ? -number : number;
  return true;
}

Classified Classify(std::string_view text) {
  Classified value;
  if (text.empty() || text == "NA" || text == "NaN") return value;
  char first = text.front();
  if ((first >= '0' && first <= '9') || first == '-' || first == '+' || first == '.') {
    if (ParseSimpleDecimal(text, value)) return value;
  }
  if ((first >= '0' && first <= '9') || first == '-' || first == '+' || first == '.' || first == 'I' || first == 'i' ||
      first == 'n') {
    std::string_view digits = text;
    if (digits.front() == '+') digits.remove_prefix(1);
    const char* end = digits.data() + digits.size();
    auto integer = std::from_chars(digits.data(), end, value.integer);
    if (integer.ec == std::errc() && integer.ptr == end && value.integer != kMissingInteger) {
      value.kind = ValueKind::kInteger;
      return value;
    }
    auto number = std::from_chars(digits.data(), end, value.number);
    if (number.ec == std::errc() && number.ptr == end) {
      value.kind = std::isnan(value.number) ? ValueKind::kMissing : ValueKind::kFloat;
      return value;
    }
    if (number.ec == std::errc::result_out_of_range && number.ptr == end) {
      value.kind = ValueKind::kText;  // 1e999: not representable, keep as text
      return value;
    }
  }
  if (text == "TRUE" || text == "True" || text == "true") {
    value.kind = ValueKind::kBoolean;
    value.boolean = true;
    return value;
  }
  if (text == "FALSE" || text == "False" || text == "false") {
    value.kind = ValueKind::kBoolean;
    value.boolean = false;
    return value;
  }
  value.kind = ValueKind::kText;
  return value;
}

// Accumulates one column, promoting its type as values arrive
// (empty -> integer -> float, anything -> string).
class ColumnBuilder {
 public:
  enum class State { kEmpty, kInteger, kFloat, kBoolean, kString };

  ColumnBuilder(std::string name, std::shared_ptr<const void> source)
      : name_(std::move(name)), source_(std::move(source)) {}

  State state() const { return state_; }

  void AddMissing() {
    switch (state_) {
      case State::kEmpty:
        ++leading_missing_;
        break;
      case State::kInteger:
        integers_.push_back(kMissingInteger);
        break;
      case State::kFloat:
        floats_.push_back(std::nan(""));
        break;
      case State::kBoolean:
        booleans_.push_back(-1);
        break;
      case State::kString:
        text_->values.emplace_back();
        break;
    }
  }

  // Adds a value that is not text. Returns false when the column must become a string column
  // (the caller then replays the earlier rows through AddText).
  bool AddTyped(const Classified& value) {
    switch (state_) {
      case State::kEmpty:
        if (value.kind == ValueKind::kInteger) {
          state_ = State::kInteger;
          integers_.assign(leading_missing_, kMissingInteger);
          integers_.push_back(value.integer);
        } else if (value.kind == ValueKind::kFloat) {
          state_ = State::kFloat;
          floats_.assign(leading_missing_, std::nan(""));
          floats_.push_back(value.number);
        } else {
          state_ = State::kBoolean;
          booleans_.assign(leading_missing_, -1);
          booleans_.push_back(value.boolean ? 1 : 0);
        }
        return true;
      case State::kInteger:
        if (value.kind == ValueKind::kInteger) {
          integers_.push_back(value.integer);
          return true;
        }
        if (value.kind == ValueKind::kFloat) {
          state_ = State::kFloat;
          floats_.reserve(integers_.capacity());
          for (int64_t v : integers_) {
            floats_.push_back(v == kMissingInteger ? std::nan("") : static_cast<double>(v));
          }
          integers_ = {};
          floats_.push_back(value.number);
          return true;
        }
        return false;
      case State::kFloat:
        if (value.kind == ValueKind::kInteger) {
          floats_.push_back(static_cast<double>(value.integer));
          return true;
        }
        if (value.kind == ValueKind::kFloat) {
          floats_.push_back(value.number);
          return true;
        }
        return false;
      case State::kBoolean:
        if (value.kind == ValueKind::kBoolean) {
          booleans_.push_back(value.boolean ? 1 : 0);
          return true;
        }
        return false;
      case State::kString:
        return false;
    }
    return false;
  }

  // Switches to a string column; the caller replays every earlier row through AddText.
  void BecomeString() {
    state_ = State::kString;
    integers_ = {};
    floats_ = {};
    booleans_ = {};
    leading_missing_ = 0;
    text_ = std::make_shared<TextValues>();
    text_->source = source_;
  }

  // Adds a value of a string column; numbers among them count towards the "mostly numeric"
  // check that names the first non-numeric value.
  void AddText(std::string_view text, bool escaped, ValueKind kind, uint64_t line) {
    if (kind == ValueKind::kMissing) {
      text_->values.emplace_back();
      return;
    }
    if (kind == ValueKind::kInteger || kind == ValueKind::kFloat) {
      ++non_numeric_.numeric_values;
    } else {
      if (non_numeric_.non_numeric_values == 0) {
        non_numeric_.line = line;
        non_numeric_.text = escaped ? Unescape(text) : std::string(text);
      }
      ++non_numeric_.non_numeric_values;
    }
    if (escaped) {
      text_->owned.push_back(Unescape(text));
      text = text_->owned.back();
    }
    text_->values.push_back(text);  // points into the source text, kept alive by the column
  }

  Column Finish() {
    switch (state_) {
      case State::kEmpty:
        return Column::Booleans(name_, std::vector<int8_t>(leading_missing_, -1));
      case State::kInteger:
        return Column::Integers(name_, std::move(integers_));
      case State::kFloat:
        return Column::Floats(name_, std::move(floats_));
      case State::kBoolean:
        return Column::Booleans(name_, std::move(booleans_));
      case State::kString:
        break;
    }
    Column column = Column::Text(name_, std::move(text_));
    column.set_non_numeric(std::move(non_numeric_));
    return column;
  }

 private:
  std::string name_;
  State state_ = State::kEmpty;
  size_t leading_missing_ = 0;
  std::vector<int64_t> integers_;
  std::vector<double> floats_;
  std::vector<int8_t> booleans_;
  std::shared_ptr<const void> source_;
  std::shared_ptr<TextValues> text_;
  NonNumericValue non_numeric_;
};

// "source:LINE: column N: " for the byte at `offset` (quotes toggle, delimiters count).
std::string LocateByte(std::string_view text, size_t offset, const std::string& source, char delimiter) {
  size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  line_start = (line_start == std::string_view::npos || offset == 0) ? 0 : line_start + 1;
  uint64_t line =
      1 + static_cast<uint64_t>(std::count(text.begin(), text.begin() + static_cast<long>(line_start), '\n'));
  size_t column = 1;
  bool quoted = false;
  for (size_t i = line_start; i < offset; ++i) {
    if (text[i] == '"') quoted = !quoted;
    if (text[i] == delimiter && !quoted) ++column;
  }
  return source + ":" + std::to_string(line) + ": column " + std::to_string(column) + ": ";
}

std::string ByteText(char c) {
  char byte[8];
  std::snprintf(byte, sizeof(byte), "0x%02X", static_cast<unsigned char>(c));
  return byte;
}

Status Utf8Error(std::string_view text, size_t offset, const std::string& source, char delimiter) {
  return InvalidArgument(LocateByte(text, offset, source, delimiter) + "invalid UTF-8 (byte " + ByteText(text[offset]) +
                         "); save the file as UTF-8 (it may be GBK or Latin-1)");
}

// Offset of the first control character other than tab, CR and LF (a NUL byte, an escape
// sequence, DEL), or npos. Such a byte would cut a value short wherever it is printed as a C
// string, and no clinical value holds one.
size_t FindControlCharacter(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return i;
  }
  return std::string_view::npos;
}

// Parses `text`, which `owner` keeps alive for as long as any text column refers to it.
StatusOr<Table> ParseCsvText(std::shared_ptr<const void> owner, std::string_view text, const std::string& source,
                             const CsvOptions& options) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (size_t bad = FindInvalidUtf8(text); bad != std::string_view::npos) {
    return Utf8Error(text, bad, source, options.delimiter);
  }
  if (size_t bad = FindControlCharacter(text); bad != std::string_view::npos) {
    return InvalidArgument(LocateByte(text, bad, source, options.delimiter) + "control character " +
                           ByteText(text[bad]) + (text[bad] == '\0' ? " (a NUL byte)" : "") +
                           " in the file; remove it (the export may be binary or damaged)");
  }
  RecordParser parser(text, source, options.delimiter);
  std::vector<RawField> fields;
  uint64_t record_line = 0;
  size_t record_offset = 0;
  ASSIGN_OR_RETURN(bool has_header, parser.Next(fields, record_line, record_offset));
  if (!has_header) {
    return InvalidArgument(source +
                           ": the file is empty; a CSV file needs a header line "
                           "naming its columns");
  }
  std::vector<ColumnBuilder> builders;
  std::vector<bool> keep_blanks;
  std::unordered_set<std::string> seen;
  for (size_t c = 0; c < fields.size(); ++c) {
    std::string name = fields[c].escaped ? Unescape(fields[c].text) : std::string(fields[c].text);
    if (name.empty()) {
      return InvalidArgument(source + ":" + std::to_string(record_line) + ": column " + std::to_string(c + 1) +
                             " has no name in the header; every column needs a name");
    }
    if (!seen.insert(name).second) {
      return InvalidArgument(source + ":" + std::to_string(record_line) + ": column " + std::to_string(c + 1) +
                             ": the name " + QuoteForMessage(name) +
                             " appears twice in the header; column names must be unique");
    }
    const bool as_text =
        std::find(options.text_columns.begin(), options.text_columns.end(), name) != options.text_columns.end();
    keep_blanks.push_back(as_text);
    builders.emplace_back(std::move(name), owner);
    if (as_text || options.all_text) builders.back().BecomeString();
  }
  parser.KeepBlanks(keep_blanks);
  const size_t width = builders.size();

  // Where each data record starts, so that a column that turns out to hold text can replay its
  // earlier values.
  std::vector<std::pair<size_t, uint64_t>> record_starts;
  record_starts.reserve(text.size() / (width * 4 + 1) + 16);
  RecordParser replay(text, source, options.delimiter);
  replay.KeepBlanks(keep_blanks);
  std::vector<RawField> replay_fields;

  while (true) {
    ASSIGN_OR_RETURN(bool more, parser.Next(fields, record_line, record_offset));
    if (!more) break;
    if (fields.size() != width) {
      return InvalidArgument(source + ":" + std::to_string(record_line) + ": expected " + std::to_string(width) +
                             " fields (as in the header), found " + std::to_string(fields.size()) +
                             "; check for an unquoted delimiter inside a value or a missing "
                             "field");
    }
    record_starts.emplace_back(record_offset, record_line);
    for (size_t c = 0; c < width; ++c) {
      ColumnBuilder& builder = builders[c];
      const RawField& field = fields[c];
      Classified value = field.escaped ? Classified{ValueKind::kText} : Classify(field.text);
      if (builder.state() == ColumnBuilder::State::kString) {
        builder.AddText(field.text, field.escaped, value.kind, record_line);
        continue;
      }
      if (value.kind == ValueKind::kMissing) {
        builder.AddMissing();
        continue;
      }
      if (value.kind != ValueKind::kText && builder.AddTyped(value)) continue;
      // The column holds text: replay the rows before this one as text.
      builder.BecomeString();
      for (size_t r = 0; r + 1 < record_starts.size(); ++r) {
        replay.Seek(record_starts[r].first, record_starts[r].second);
        uint64_t line = 0;
        size_t offset = 0;
        ASSIGN_OR_RETURN(bool ok, replay.Next(replay_fields, line, offset));
        (void)ok;
        const RawField& old = replay_fields[c];
        Classified old_value = old.escaped ? Classified{ValueKind::kText} : Classify(old.text);
        builder.AddText(old.text, old.escaped, old_value.kind, line);
      }
      builder.AddText(field.text, field.escaped, value.kind, record_line);
    }
  }

  std::vector<Column> columns;
  columns.reserve(width);
  for (auto& builder : builders) columns.push_back(builder.Finish());
  std::vector<uint64_t> lines;
  lines.reserve(record_starts.size());
  for (const auto& [offset, line] : record_starts) lines.push_back(line);
  return Table(source, std::move(columns), std::move(lines));
}

}  // namespace

StatusOr<Table> ParseCsv(std::string_view text, const std::string& source, const CsvOptions& options) {
  auto copy = std::make_shared<const std::string>(text);
  return ParseCsvText(copy, *copy, source, options);
}

StatusOr<Table> ReadCsv(const std::string& path, const CsvOptions& options) {
  ASSIGN_OR_RETURN(MappedFile file, MappedFile::Open(path));
  file.AdviseSequential();
  auto shared = std::make_shared<const MappedFile>(std::move(file));
  return ParseCsvText(shared, shared->view(), path, options);
}

}  // namespace medfed::table
