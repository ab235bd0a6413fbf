using Rx.Mediation.Server.Cli;

namespace Rx.Mediation.Config.Specs;

public sealed class CliSpecs
{
    [Fact]
    public void Validate_accepts_the_example_with_exit_0()
    {
        var (code, output, _) = Run(ValidateCommand.Run, "config.example.yaml");
        code.ShouldBe(0);
        output.ShouldContain("valid (3 routes, 4 entrypoints, 2 endpoints)");
    }

    [Fact]
    public void Validate_prints_every_error_with_line_and_column_and_exits_non_zero()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("rx-cli-").FullName, "bad.yaml");
        File.WriteAllText(path, "routes:\n  - name: r\n    from: nowhere\n    to: x\n    pipeline:\n      - filter: 1\n");

        var (code, _, error) = Run(ValidateCommand.Run, path);

        code.ShouldBe(1);
        error.ShouldContain($"{path}:3:11: route 'r': unknown source 'nowhere'");
        error.ShouldContain($"{path}:6:9: route 'r': unknown operator 'filter'");
        error.ShouldContain("3 error(s)");
    }

    [Fact]
    public void Validate_without_a_file_prints_usage() => Run(ValidateCommand.Run).Code.ShouldBe(64);

    [Fact]
    public void Routes_draws_sources_operators_and_targets()
    {
        var (code, output, _) = Run(RoutesCommand.Run, "config.example.yaml");

        code.ShouldBe(0);
        output.ShouldContain("""
            big-orders  (line 36:5; bridge 10000, drop-head)
              orders-ws (websocket) + webhook (http)
                → where(headers.type == 'order' && json.amount > 100)
                → throttle(200ms)
                → buffer(1s or 100)
                → set-topic('orders/big')
                → orders (memory)
            """.ReplaceLineEndings());
    }

    [Fact]
    public void Test_runs_the_example_tests()
    {
        var (code, output, _) = Run(TestCommand.Run, "config.example.tests.yaml");
        code.ShouldBe(0, output);
        output.ShouldContain("3 passed, 0 failed");
    }

    [Fact]
    public void Test_prints_a_marble_diff_per_failure_and_exits_non_zero()
    {
        var dir = Directory.CreateTempSubdirectory("rx-cli-").FullName;
        File.WriteAllText(Path.Combine(dir, "c.yaml"), "routes:\n  - name: r\n    from: in\n    pipeline: [ { take: 1 } ]\n    to: out\n");
        File.WriteAllText(Path.Combine(dir, "c.tests.yaml"),
            "tests:\n  - name: takes two\n    route: r\n    inputs: { in: '-a-b-|' }\n    expect: { out: '-a-b-|' }\n  - name: takes one\n    route: r\n    inputs: { in: '-a-b-|' }\n    expect: { out: '-(a|)' }\n");

        var (code, output, _) = Run(TestCommand.Run, Path.Combine(dir, "c.tests.yaml"));

        code.ShouldBe(1);
        output.ShouldContain("FAIL  takes two");
        output.ShouldContain("expected: -a-b-|");
        output.ShouldContain("actual:   -(a|)");
        output.ShouldContain("PASS  takes one");
        output.ShouldContain("1 passed, 1 failed");
    }

    private static (int Code, string Output, string Error) Run(Func<string[], TextWriter, TextWriter, int> command, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = command(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
