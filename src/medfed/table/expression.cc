#include "medfed/table/expression.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "medfed/core/text.h"

namespace medfed::table {
namespace {

enum class TokenKind { kNumber, kString, kName, kOperator, kEnd };

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
  double number = 0;
  size_t position = 0;
};

bool IsNameStart(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '_' || c >= 0x80;
}
bool IsNameChar(unsigned char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

class Lexer {
 public:
  Lexer(const std::string& source, const std::string& what) : source_(source), what_(what) {}

  StatusOr<std::vector<Token>> Tokenize() {
    std::vector<Token> tokens;
    size_t i = 0;
    const size_t n = source_.size();
    while (true) {
      while (i < n && (source_[i] == ' ' || source_[i] == '\t' || source_[i] == '\n' || source_[i] == '\r')) {
        ++i;
      }
      Token token;
      token.position = i;
      if (i >= n) {
        tokens.push_back(token);
        return tokens;
      }
      auto c = static_cast<unsigned char>(source_[i]);
      bool starts_number =
          (c >= '0' && c <= '9') || (c == '.' && i + 1 < n && source_[i + 1] >= '0' && source_[i + 1] <= '9');
      if (starts_number) {
        size_t end = i;
        while (end < n && ((source_[end] >= '0' && source_[end] <= '9') || source_[end] == '.' || source_[end] == 'e' ||
                           source_[end] == 'E' ||
                           ((source_[end] == '-' || source_[end] == '+') && end > i &&
                            (source_[end - 1] == 'e' || source_[end - 1] == 'E')))) {
          ++end;
        }
        token.kind = TokenKind::kNumber;
        auto parsed = std::from_chars(source_.data() + i, source_.data() + end, token.number);
        if (parsed.ec != std::errc() || parsed.ptr != source_.data() + end) {
          return Error(i, "malformed number " + QuoteForMessage(source_.substr(i, end - i)));
        }
        if (end < n && source_[end] == 'L') ++end;  // R integer literal 2L
        token.text = source_.substr(i, end - i);
        i = end;
      } else if (IsNameStart(c)) {
        size_t end = i;
        while (end < n && IsNameChar(static_cast<unsigned char>(source_[end]))) ++end;
        token.kind = TokenKind::kName;
        token.text = source_.substr(i, end - i);
        i = end;
      } else if (c == '`') {
        size_t end = source_.find('`', i + 1);
        if (end == std::string::npos) return Error(i, "unterminated `name`");
        token.kind = TokenKind::kName;
        token.text = source_.substr(i + 1, end - i - 1);
        i = end + 1;
      } else if (c == '"' || c == '\'') {
        std::string value;
        size_t k = i + 1;
        while (k < n && source_[k] != static_cast<char>(c)) {
          if (source_[k] == '\\' && k + 1 < n) ++k;
          value += source_[k++];
        }
        if (k >= n) return Error(i, "unterminated string; close it with " + std::string(1, c));
        token.kind = TokenKind::kString;
        token.text = value;
        i = k + 1;
      } else {
        // NOLINTNEXTLINE(readability-identifier-naming): static storage, so named as a constant
        static const char* kOperators[] = {"%in%", "==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "&", "|",
                                           "+",    "-",  "*",  "/",  "^",  ":",  "~",  "(", ")", "[", "]", ","};
        bool matched = false;
        for (const char* op : kOperators) {
          size_t length = std::char_traits<char>::length(op);
          if (source_.compare(i, length, op) == 0) {
            token.kind = TokenKind::kOperator;
            token.text = op;
            i += length;
            matched = true;
            break;
          }
        }
        if (!matched) {
          if (c == '=') return Error(i, "single '=' is not a comparison; use '=='");
          return Error(i, "unexpected character " + QuoteForMessage(source_.substr(i, 1)));
        }
      }
      tokens.push_back(std::move(token));
    }
  }

 private:
  Status Error(size_t position, const std::string& message) const {
    return InvalidArgument(what_ + " " + QuoteForMessage(source_) + ": " + message + " (at character " +
                           std::to_string(position + 1) + ")");
  }
  const std::string& source_;
  const std::string& what_;
};

class Parser {
 public:
  Parser(std::vector<Token> tokens, const std::string& source, const std::string& what)
      : tokens_(std::move(tokens)), source_(source), what_(what) {}

  StatusOr<Expression> ParseAll() {
    ASSIGN_OR_RETURN(Expression expression, ParseBinary(0));
    if (Peek().kind != TokenKind::kEnd) {
      return Error(Peek().position, "unexpected " + Describe(Peek()));
    }
    return expression;
  }

 private:
  // Binary operator levels, loosest first.
  static int BinaryLevel(const Token& token, std::string& normalized) {
    if (token.kind == TokenKind::kName) {
      if (token.text == "or") return normalized = "|", 1;
      if (token.text == "and") return normalized = "&", 2;
      if (token.text == "in") return normalized = "in", 4;
      return -1;
    }
    if (token.kind != TokenKind::kOperator) return -1;
    const std::string& op = token.text;
    if (op == "~") return normalized = "~", 0;
    if (op == "|" || op == "||") return normalized = "|", 1;
    if (op == "&" || op == "&&") return normalized = "&", 2;
    if (op == "==" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=") {
      return normalized = op, 4;
    }
    if (op == "+" || op == "-") return normalized = op, 5;
    if (op == "*" || op == "/") return normalized = op, 6;
    if (op == "%in%") return normalized = "in", 7;
    if (op == ":") return normalized = ":", 8;
    return -1;
  }

  // Counts the parser's own recursion (parentheses, prefix operators, arguments), so that
  // "((((...", "- - - -..." and "not not not ..." fail with a message, not a stack overflow.
  class DepthGuard {
   public:
    explicit DepthGuard(int& depth) : depth_(depth) { ++depth_; }
    ~DepthGuard() { --depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

   private:
    int& depth_;
  };

  Status CheckDepth(size_t position) const {
    if (depth_ <= kMaxExpressionDepth) return absl::OkStatus();
    return Error(position, "nested more than " + std::to_string(kMaxExpressionDepth) +
                               " levels deep (the limit for an expression); simplify it, e.g. "
                               "`x in [...]` instead of a long chain of `or`");
  }

  StatusOr<Expression> ParseBinary(int min_level) {
    DepthGuard guard(depth_);
    RETURN_IF_ERROR(CheckDepth(Peek().position));
    Expression left;
    // Prefix operators: `not`/`!` bind looser than comparisons, unary minus tighter than `:`.
    const Token& first = Peek();
    if ((first.kind == TokenKind::kOperator && first.text == "!") ||
        (first.kind == TokenKind::kName && first.text == "not")) {
      size_t position = Advance().position;
      ASSIGN_OR_RETURN(Expression operand, ParseBinary(4));
      ASSIGN_OR_RETURN(left, MakeUnary("!", std::move(operand), position));
    } else if (first.kind == TokenKind::kOperator && first.text == "~") {
      // One-sided formula "~ x".
      size_t position = Advance().position;
      ASSIGN_OR_RETURN(Expression right, ParseBinary(1));
      ASSIGN_OR_RETURN(left, MakeUnary("~", std::move(right), position));
    } else {
      ASSIGN_OR_RETURN(left, ParseUnary());
    }
    while (true) {
      std::string op;
      int level = BinaryLevel(Peek(), op);
      if (level < 0 || level < min_level) return left;
      size_t position = Advance().position;
      if (op == "in") {
        ASSIGN_OR_RETURN(Expression list, ParseUnary());
        ASSIGN_OR_RETURN(left, MakeBinary(op, std::move(left), std::move(list), position));
        continue;
      }
      ASSIGN_OR_RETURN(Expression right, ParseBinary(level + 1));
      ASSIGN_OR_RETURN(left, MakeBinary(op, std::move(left), std::move(right), position));
    }
  }

  StatusOr<Expression> ParseUnary() {
    const Token& token = Peek();
    if (token.kind == TokenKind::kOperator && (token.text == "-" || token.text == "+")) {
      DepthGuard guard(depth_);
      RETURN_IF_ERROR(CheckDepth(token.position));
      std::string op = token.text;
      size_t position = Advance().position;
      ASSIGN_OR_RETURN(Expression operand, ParseUnary());
      if (op == "-" && operand.kind == Expression::Kind::kNumber) {
        operand.number = -operand.number;
        operand.position = position;
        return operand;
      }
      return MakeUnary(op, std::move(operand), position);
    }
    return ParsePower();
  }

  StatusOr<Expression> ParsePower() {
    ASSIGN_OR_RETURN(Expression base, ParsePrimary());
    if (Peek().kind == TokenKind::kOperator && Peek().text == "^") {
      DepthGuard guard(depth_);
      RETURN_IF_ERROR(CheckDepth(Peek().position));
      size_t position = Advance().position;
      ASSIGN_OR_RETURN(Expression exponent, ParseUnary());  // right-associative
      return MakeBinary("^", std::move(base), std::move(exponent), position);
    }
    return base;
  }

  StatusOr<Expression> ParsePrimary() {
    Token token = Advance();
    Expression expression;
    expression.position = token.position;
    switch (token.kind) {
      case TokenKind::kNumber:
        expression.kind = Expression::Kind::kNumber;
        expression.number = token.number;
        return expression;
      case TokenKind::kString:
        expression.kind = Expression::Kind::kString;
        expression.text = token.text;
        return expression;
      case TokenKind::kName:
        if (token.text == "TRUE" || token.text == "FALSE" || token.text == "true" || token.text == "false") {
          expression.kind = Expression::Kind::kBoolean;
          expression.boolean = token.text == "TRUE" || token.text == "true";
          return expression;
        }
        if (Peek().kind == TokenKind::kOperator && Peek().text == "(") {
          Advance();
          expression.kind = Expression::Kind::kCall;
          expression.text = token.text;
          ASSIGN_OR_RETURN(expression.arguments, ParseArguments(")"));
          if (expression.text == "c") expression.kind = Expression::Kind::kList;
          return WithHeight(std::move(expression));
        }
        expression.kind = Expression::Kind::kName;
        expression.text = token.text;
        return expression;
      case TokenKind::kOperator:
        if (token.text == "(") {
          ASSIGN_OR_RETURN(Expression inner, ParseBinary(0));
          RETURN_IF_ERROR(Expect(")"));
          // Keep explicit parentheses so that deparse and formula expansion see them.
          return MakeUnary("(", std::move(inner), token.position);
        }
        if (token.text == "[") {
          expression.kind = Expression::Kind::kList;
          ASSIGN_OR_RETURN(expression.arguments, ParseArguments("]"));
          return WithHeight(std::move(expression));
        }
        return Error(token.position, "unexpected " + Describe(token));
      case TokenKind::kEnd:
        return Error(token.position, "unexpected end; something is missing at the end");
    }
    return Error(token.position, "unexpected token");
  }

  StatusOr<std::vector<Expression>> ParseArguments(const std::string& closing) {
    std::vector<Expression> arguments;
    if (Peek().kind == TokenKind::kOperator && Peek().text == closing) {
      Advance();
      return arguments;
    }
    while (true) {
      ASSIGN_OR_RETURN(Expression argument, ParseBinary(1));
      arguments.push_back(std::move(argument));
      if (Peek().kind == TokenKind::kOperator && Peek().text == ",") {
        Advance();
        continue;
      }
      RETURN_IF_ERROR(Expect(closing));
      return arguments;
    }
  }

  Status Expect(const std::string& op) {
    if (Peek().kind == TokenKind::kOperator && Peek().text == op) {
      Advance();
      return absl::OkStatus();
    }
    return Error(Peek().position, "expected '" + op + "' but found " + Describe(Peek()));
  }

  // Sets the node's height from its arguments; a tree taller than the limit is refused here,
  // before anything walks it (a left-deep `a & b & c ...` chain grows one level per operator
  // without the parser recursing).
  StatusOr<Expression> WithHeight(Expression expression) const {
    int tallest = 0;
    for (const auto& argument : expression.arguments) tallest = std::max(tallest, argument.height);
    expression.height = tallest + 1;
    if (expression.height > kMaxExpressionDepth) {
      return Error(expression.position, "nested more than " + std::to_string(kMaxExpressionDepth) +
                                            " levels deep (the limit for an expression); simplify it, e.g. "
                                            "`x in [...]` instead of a long chain of `or`");
    }
    return expression;
  }
  StatusOr<Expression> MakeUnary(const std::string& op, Expression operand, size_t position) const {
    Expression expression;
    expression.kind = Expression::Kind::kUnary;
    expression.text = op;
    expression.position = position;
    expression.arguments.push_back(std::move(operand));
    return WithHeight(std::move(expression));
  }
  StatusOr<Expression> MakeBinary(const std::string& op, Expression left, Expression right, size_t position) const {
    Expression expression;
    expression.kind = Expression::Kind::kBinary;
    expression.text = op;
    expression.position = position;
    expression.arguments.push_back(std::move(left));
    expression.arguments.push_back(std::move(right));
    return WithHeight(std::move(expression));
  }

  std::string Describe(const Token& token) const {
    switch (token.kind) {
      case TokenKind::kEnd:
        return "the end of the text";
      case TokenKind::kString:
        return "string " + QuoteForMessage(token.text);
      default:
        return "'" + token.text + "'";
    }
  }

  const Token& Peek() const { return tokens_[index_]; }
  const Token& Advance() {
    const Token& token = tokens_[index_];
    if (index_ + 1 < tokens_.size()) ++index_;
    return token;
  }
  Status Error(size_t position, const std::string& message) const {
    return InvalidArgument(what_ + " " + QuoteForMessage(source_) + ": " + message + " (at character " +
                           std::to_string(position + 1) + ")");
  }

  std::vector<Token> tokens_;
  size_t index_ = 0;
  int depth_ = 0;
  const std::string& source_;
  const std::string& what_;
};

bool IsSyntacticName(const std::string& name) {
  if (name.empty() || !IsNameStart(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!IsNameChar(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::string RNumberToString(double value) {
  if (std::isnan(value)) return "NA";
  if (std::isinf(value)) return value > 0 ? "Inf" : "-Inf";
  if (value == 0) return "0";
  // Fewest significant digits (up to 15) that reproduce the value rounded to 15 digits.
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.14e", value);
  const double target = std::strtod(buffer, nullptr);
  int digits = 1;
  for (; digits < 15; ++digits) {
    std::snprintf(buffer, sizeof(buffer), "%.*e", digits - 1, value);
    if (std::strtod(buffer, nullptr) == target) break;
  }
  std::snprintf(buffer, sizeof(buffer), "%.*e", digits - 1, value);
  std::string scientific(buffer);
  // R writes the exponent with at least two digits and a sign: 1e+05.
  size_t e = scientific.find('e');
  std::string mantissa = scientific.substr(0, e);
  int exponent = std::stoi(scientific.substr(e + 1));
  char exponent_text[16];
  std::snprintf(exponent_text, sizeof(exponent_text), "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
  scientific = mantissa + exponent_text;
  int decimals = std::max(0, digits - 1 - exponent);
  std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, value);
  std::string fixed(buffer);
  return fixed.size() <= scientific.size() ? fixed : scientific;
}

StatusOr<Expression> ParseExpression(const std::string& source, const std::string& what) {
  if (source.size() > kMaxExpressionLength) {
    return InvalidArgument(what + " is " + std::to_string(source.size()) + " characters long; the limit is " +
                           std::to_string(kMaxExpressionLength));
  }
  Lexer lexer(source, what);
  ASSIGN_OR_RETURN(std::vector<Token> tokens, lexer.Tokenize());
  Parser parser(std::move(tokens), source, what);
  return parser.ParseAll();
}

std::string Expression::Deparse() const {
  switch (kind) {
    case Kind::kNumber:
      return RNumberToString(number);
    case Kind::kString:
      return "\"" + text + "\"";
    case Kind::kBoolean:
      return boolean ? "TRUE" : "FALSE";
    case Kind::kName:
      return IsSyntacticName(text) ? text : "`" + text + "`";
    case Kind::kCall:
    case Kind::kList: {
      std::vector<std::string> parts;
      for (const auto& argument : arguments) parts.push_back(argument.Deparse());
      return (kind == Kind::kList ? std::string("c") : text) + "(" + JoinStrings(parts, ", ") + ")";
    }
    case Kind::kUnary:
      if (text == "(") return "(" + arguments[0].Deparse() + ")";
      if (text == "~") return "~" + arguments[0].Deparse();
      return text + arguments[0].Deparse();
    case Kind::kBinary: {
      // R's deparse puts spaces around + - * ~ and comparisons, none around / ^ :.
      bool tight = text == "/" || text == "^" || text == ":";
      std::string op = text == "in" ? "%in%" : text;
      return arguments[0].Deparse() + (tight ? op : " " + op + " ") + arguments[1].Deparse();
    }
  }
  return "";
}

void Expression::CollectNames(std::vector<std::string>& names) const {
  if (kind == Kind::kName) {
    for (const auto& existing : names) {
      if (existing == text) return;
    }
    names.push_back(text);
    return;
  }
  for (const auto& argument : arguments) argument.CollectNames(names);
}

}  // namespace medfed::table
