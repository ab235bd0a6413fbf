using System.Text;
using Rx.Mediation.Events;
using Rx.Mediation.Operators.Expressions;

namespace Rx.Mediation.Specs.Expressions;

public class RouteExpressionSpecs
{
    private static readonly Event Order = Event.Create("http", "orders/eu", Encoding.UTF8.GetBytes("{\"amount\":150,\"customer\":{\"name\":\"Ada\",\"tags\":[\"vip\",\"eu\"]},\"note\":null}"),
        EventHeaders.From(("type", "order"), ("content-type", "application/json"), ("priority", "7")), clientId: "c1");

    private static bool Holds(string expression, Event? value = null) => RouteExpression.Compile(expression).AsPredicate()(value ?? Order);

    [Theory]
    [InlineData("headers.type == 'order' && json.amount > 100")]
    [InlineData("headers.type == \"order\" and json.amount >= 150")]
    [InlineData("json.customer.name == 'Ada'")]
    [InlineData("json.customer.tags[0] == 'vip'")]
    [InlineData("json['amount'] == 150")]
    [InlineData("headers['content-type'] == 'application/json'")]
    [InlineData("headers.priority > 5")]
    [InlineData("topic == 'orders/eu'")]
    [InlineData("topicMatches('orders/+')")]
    [InlineData("clientId == 'c1'")]
    [InlineData("source == 'http' and kind == 'data'")]
    [InlineData("headers.type in ['order', 'refund']")]
    [InlineData("headers.type not in ['ping']")]
    [InlineData("not (json.amount < 100)")]
    [InlineData("!(json.amount < 100) || false")]
    [InlineData("json.missing == null")]
    [InlineData("json.missing.deeper?.still == null")]
    [InlineData("json.note == null && !exists(json.note)")]
    [InlineData("contains(json.customer.name, 'd') && startsWith(topic, 'orders') && endsWith(topic, '/eu')")]
    [InlineData("lower(json.customer.name) == 'ada' && upper('x') == 'X' && trim('  a ') == 'a'")]
    [InlineData("length(json.customer.tags) == 2 && length('abc') == 3")]
    [InlineData("matches(json.customer.name, '^A.a$')")]
    [InlineData("json.amount + 50 == 200 && json.amount - 50 == 100 && -json.amount == -150")]
    [InlineData("'orders/' + json.customer.name == 'orders/Ada'")]
    [InlineData("number(headers.priority) == 7 && string(json.amount) == '150'")]
    [InlineData("1.5e2 == json.amount")]
    public void True_expressions(string expression) => Holds(expression).ShouldBeTrue(expression);

    [Theory]
    [InlineData("headers.type == 'ping'")]
    [InlineData("json.amount > 1000")]
    [InlineData("json.missing > 3")]
    [InlineData("json.customer > 3")]
    [InlineData("headers.type in []")]
    [InlineData("json.amount")]
    [InlineData("'text'")]
    [InlineData("null")]
    public void False_or_non_boolean_expressions_do_not_hold(string expression) => Holds(expression).ShouldBeFalse(expression);

    [Fact]
    public void A_payload_that_is_not_json_reads_as_null_fields()
    {
        var plain = Event.FromText("http", "t", "hello");
        Holds("json.amount == null && text == 'hello'", plain).ShouldBeTrue();
    }

    [Fact]
    public void Projections_turn_values_into_json_payloads_and_text()
    {
        Encoding.UTF8.GetString(RouteExpression.Compile("json.customer").AsJson()(Order)).ShouldBe("{\"name\":\"Ada\",\"tags\":[\"vip\",\"eu\"]}");
        Encoding.UTF8.GetString(RouteExpression.Compile("json.amount").AsJson()(Order)).ShouldBe("150");
        RouteExpression.Compile("'orders/' + headers.type").AsText()(Order).ShouldBe("orders/order");
    }

    [Theory]
    [InlineData("headers.type ==", 16, "ends too early")]
    [InlineData("headers.type = 'x'", 14, "unexpected character '='")]
    [InlineData("(json.amount > 1", 17, "expected ')'")]
    [InlineData("json.amount > 'x", 15, "not closed")]
    [InlineData("bogus == 1", 1, "unknown name 'bogus'")]
    [InlineData("frob(topic)", 1, "unknown function 'frob'")]
    [InlineData("contains(topic)", 1, "contains() takes 2 arguments")]
    [InlineData("matches(topic, '(')", 16, "bad regular expression")]
    [InlineData("matches(topic, headers.p)", 16, "quoted string")]
    [InlineData("topicMatches('a/#/b')", 14, "'#' must be the last level")]
    [InlineData("headers.type in 'x'", 17, "expected '['")]
    [InlineData("a.", 3, "expected a name")]
    [InlineData("   ", 1, "empty")]
    [InlineData("json.a json.b", 8, "expected an operator or the end")]
    public void Errors_give_the_column_and_what_was_expected(string expression, int column, string problem)
    {
        var error = Should.Throw<ExpressionException>(() => RouteExpression.Compile(expression));
        error.Column.ShouldBe(column, error.Message);
        error.Problem.ShouldContain(problem);
        error.Message.ShouldContain(expression.Trim().Length == 0 ? "column" : expression);
    }

    [Fact]
    public void Deep_nesting_is_refused_rather_than_overflowing_the_stack()
    {
        var deep = new string('(', 10_000) + "true" + new string(')', 10_000);
        Should.Throw<ExpressionException>(() => RouteExpression.Compile(deep)).Problem.ShouldContain("nested more than");
        Should.Throw<ExpressionException>(() => RouteExpression.Compile(string.Concat(Enumerable.Repeat("!", 10_000)) + "true"));
        Should.Throw<ExpressionException>(() => RouteExpression.Compile(string.Concat(Enumerable.Repeat("-", 10_000)) + "1"));
    }

    [Fact]
    public void Fuzzed_input_yields_an_expression_or_an_ExpressionException_and_never_hangs()
    {
        var random = new Random(20261125);
        const string alphabet = "abcdefghijklmnopqrstuvwxyz json headers topic in not and or ()[].,?!=<>&|+-'\"\\0123456789 _$";
        string[] fragments = ["json.", "headers.", "topic", " == ", " && ", " || ", "(", ")", "[", "]", "'x'", "\"y\"", " in ", " not ", "1.5", "-", "contains(", ",", "?.", "!"];
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 20_000; i++)
        {
            var length = random.Next(0, 60);
            var builder = new StringBuilder();
            while (builder.Length < length)
            {
                if (random.Next(3) == 0) builder.Append(fragments[random.Next(fragments.Length)]);
                else builder.Append(alphabet[random.Next(alphabet.Length)]);
            }
            var text = builder.ToString();
            try
            {
                var compiled = RouteExpression.Compile(text);
                compiled.AsPredicate()(Order); // what compiles also evaluates without throwing
            }
            catch (ExpressionException ex)
            {
                ex.Column.ShouldBeInRange(1, text.Length + 1, text);
            }
        }
        // A hang shows as a test timeout; this only guards against pathological slowness creeping in.
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromMinutes(1));
    }
}
