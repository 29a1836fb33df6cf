/// The subset of Python expressions that feedparser's fixture headers use in their `Expect:` lines:
/// `and`, `or`, `not`, comparisons, `in`, subscripts, attribute access, calls, string, number and tuple literals.
indirect enum PythonExpression {
    case name(String)
    case string(String)
    case number(Int)
    case tuple([PythonExpression])
    case list([PythonExpression])
    case dictionary([(key: PythonExpression, value: PythonExpression)])
    case method(PythonExpression, String, [PythonExpression])
    case `subscript`(PythonExpression, PythonExpression)
    case attribute(PythonExpression, String)
    case call(String, [PythonExpression])
    case compare(String, PythonExpression, PythonExpression)
    case and(PythonExpression, PythonExpression)
    case or(PythonExpression, PythonExpression)
    case not(PythonExpression)
}

struct PythonSyntaxError: Error, CustomStringConvertible {
    var description: String
}

/// A recursive-descent parser for `PythonExpression`.
struct PythonExpressionParser {
    private enum Token: Equatable {
        case name(String)
        case string(String)
        case number(Int)
        case symbol(String)
    }

    private var tokens: [Token] = []
    private var position = 0

    static func parse(_ source: String) throws -> PythonExpression {
        var parser = PythonExpressionParser()
        parser.tokens = try tokenize(source)
        let expression = try parser.parseOr()
        guard parser.position == parser.tokens.count else {
            throw PythonSyntaxError(description: "unexpected \(parser.tokens[parser.position]) in \(source)")
        }
        return expression
    }

    private static func tokenize(_ source: String) throws -> [Token] {
        var tokens: [Token] = []
        let characters = Array(source)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character.isWhitespace {
                index += 1
            } else if character.isLetter || character == "_" {
                var word = ""
                while index < characters.count,
                    characters[index].isLetter || characters[index].isNumber || characters[index] == "_"
                {
                    word.append(characters[index])
                    index += 1
                }
                if (word == "u" || word == "b" || word == "r") && index < characters.count
                    && (characters[index] == "'" || characters[index] == "\"")
                {
                    continue  // A string prefix; the literal follows.
                }
                tokens.append(.name(word))
            } else if character.isNumber {
                var digits = ""
                while index < characters.count, characters[index].isNumber {
                    digits.append(characters[index])
                    index += 1
                }
                tokens.append(.number(Int(digits)!))
            } else if character == "'" || character == "\"" {
                let (value, end) = try readString(characters, from: index)
                tokens.append(.string(value))
                index = end
            } else {
                let pair = index + 1 < characters.count ? String(characters[index...index + 1]) : ""
                if ["==", "!=", ">=", "<="].contains(pair) {
                    tokens.append(.symbol(pair))
                    index += 2
                } else if "()[],.<>:{}".contains(character) {
                    tokens.append(.symbol(String(character)))
                    index += 1
                } else {
                    throw PythonSyntaxError(description: "unexpected character \(character) in \(source)")
                }
            }
        }
        return tokens
    }

    private static func readString(_ characters: [Character], from start: Int) throws -> (String, Int) {
        let quote = characters[start]
        let isTriple = start + 2 < characters.count && characters[start + 1] == quote && characters[start + 2] == quote
        var index = start + (isTriple ? 3 : 1)
        func atClosingQuote() -> Bool {
            guard characters[index] == quote else { return false }
            guard isTriple else { return true }
            return index + 2 < characters.count && characters[index + 1] == quote && characters[index + 2] == quote
        }
        var scalars = String.UnicodeScalarView()
        func hexValue(_ count: Int) throws -> UInt32 {
            guard index + count < characters.count,
                let value = UInt32(String(characters[(index + 1)...(index + count)]), radix: 16)
            else { throw PythonSyntaxError(description: "invalid escape in string literal") }
            index += count
            return value
        }
        while index < characters.count, !atClosingQuote() {
            if characters[index] == "\\" && index + 1 < characters.count {
                index += 1
                switch characters[index] {
                case "n": scalars.append("\n")
                case "t": scalars.append("\t")
                case "r": scalars.append("\r")
                case "x": scalars.append(Unicode.Scalar(try hexValue(2))!)
                case "u": scalars.append(Unicode.Scalar(try hexValue(4))!)
                case "U": scalars.append(Unicode.Scalar(try hexValue(8))!)
                default: scalars.append(contentsOf: characters[index].unicodeScalars)
                }
            } else {
                scalars.append(contentsOf: characters[index].unicodeScalars)
            }
            index += 1
        }
        guard index < characters.count else { throw PythonSyntaxError(description: "unterminated string literal") }
        return (String(scalars), index + (isTriple ? 3 : 1))
    }

    private mutating func accept(_ symbol: String) -> Bool {
        guard position < tokens.count else { return false }
        if tokens[position] == .symbol(symbol) || tokens[position] == .name(symbol) {
            position += 1
            return true
        }
        return false
    }

    private mutating func expect(_ symbol: String) throws {
        guard accept(symbol) else { throw PythonSyntaxError(description: "expected \(symbol)") }
    }

    private mutating func parseOr() throws -> PythonExpression {
        var left = try parseAnd()
        while accept("or") { left = .or(left, try parseAnd()) }
        return left
    }

    private mutating func parseAnd() throws -> PythonExpression {
        var left = try parseNot()
        while accept("and") { left = .and(left, try parseNot()) }
        return left
    }

    private mutating func parseNot() throws -> PythonExpression {
        if accept("not") { return .not(try parseNot()) }
        return try parseComparison()
    }

    /// Parses a comparison; a chain `a == b == c` means `a == b and b == c`, as in Python.
    private mutating func parseComparison() throws -> PythonExpression {
        let left = try parsePostfix()
        for symbol in ["==", "!=", ">=", "<=", ">", "<", "in"] where accept(symbol) {
            let right = try parsePostfix()
            var result = PythonExpression.compare(symbol, left, right)
            var previous = right
            while let next = ["==", "!="].first(where: { accept($0) }) {
                let operand = try parsePostfix()
                result = .and(result, .compare(next, previous, operand))
                previous = operand
            }
            return result
        }
        if position + 1 < tokens.count, tokens[position] == .name("not"), tokens[position + 1] == .name("in") {
            position += 2
            return .not(.compare("in", left, try parsePostfix()))
        }
        return left
    }

    private mutating func parsePostfix() throws -> PythonExpression {
        var value = try parseAtom()
        while true {
            if accept("[") {
                let index = try parseOr()
                try expect("]")
                value = .subscript(value, index)
            } else if accept(".") {
                guard position < tokens.count, case .name(let name) = tokens[position] else {
                    throw PythonSyntaxError(description: "expected a name after .")
                }
                position += 1
                if accept("(") {
                    var arguments: [PythonExpression] = []
                    while !accept(")") {
                        arguments.append(try parseOr())
                        _ = accept(",")
                    }
                    value = .method(value, name, arguments)
                } else {
                    value = .attribute(value, name)
                }
            } else if accept("("), case .name(let function) = value {
                var arguments: [PythonExpression] = []
                while !accept(")") {
                    arguments.append(try parseOr())
                    _ = accept(",")
                }
                value = .call(function, arguments)
            } else {
                return value
            }
        }
    }

    private mutating func parseAtom() throws -> PythonExpression {
        guard position < tokens.count else { throw PythonSyntaxError(description: "unexpected end of expression") }
        let token = tokens[position]
        position += 1
        switch token {
        case .name(let name): return .name(name)
        case .string(var value):
            while position < tokens.count, case .string(let next) = tokens[position] {
                value += next  // Adjacent literals concatenate.
                position += 1
            }
            return .string(value)
        case .number(let value): return .number(value)
        case .symbol("("):
            var items: [PythonExpression] = []
            var sawComma = false
            while !accept(")") {
                items.append(try parseOr())
                if accept(",") { sawComma = true }
            }
            return items.count == 1 && !sawComma ? items[0] : .tuple(items)
        case .symbol("["):
            var items: [PythonExpression] = []
            while !accept("]") {
                items.append(try parseOr())
                _ = accept(",")
            }
            return .list(items)
        case .symbol("{"):
            var pairs: [(key: PythonExpression, value: PythonExpression)] = []
            while !accept("}") {
                let key = try parseOr()
                try expect(":")
                pairs.append((key: key, value: try parseOr()))
                _ = accept(",")
            }
            return .dictionary(pairs)
        case .symbol(let symbol):
            throw PythonSyntaxError(description: "unexpected \(symbol)")
        }
    }
}
