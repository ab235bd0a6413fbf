using Microsoft.Playwright;

namespace Rx.Mediation.Dashboard.Specs;

/// <summary>
/// Debian's chromium, headless, driven by Playwright (which cannot download a browser of its own here). The page's
/// console errors and uncaught exceptions are collected, so a spec can assert there were none.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    public const string ExecutableVariable = "RX_MEDIATION_CHROMIUM";

    // The flags docs/ENVIRONMENT.md lists for chromium here: no sandbox (root, no user namespaces), no GPU, nothing
    // that reaches out to the network on its own.
    private static readonly string[] Flags =
        ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private HeadlessChromium(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error") lock (Errors) Errors.Add($"console: {message.Text} ({message.Location})");
        };
        page.PageError += (_, error) =>
        {
            lock (Errors) Errors.Add($"exception: {error}");
        };
    }

    /// <summary>The browser to use: <see cref="ExecutableVariable"/>, else Debian's /usr/bin/chromium.</summary>
    public static string Executable => Environment.GetEnvironmentVariable(ExecutableVariable) is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static bool IsInstalled => File.Exists(Executable);

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public IPage Page { get; }

    /// <summary>Console errors and uncaught exceptions the page reported so far.</summary>
    public List<string> Errors { get; } = [];

    /// <summary>A laptop-sized window (1440×900); <paramref name="flags"/> go to chromium besides the usual ones.</summary>
    public static async Task<HeadlessChromium> LaunchAsync(params string[] flags)
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException(
                $"chromium is not installed at {Executable}: run eng/install-deps.sh (it installs Debian's chromium), or set {ExecutableVariable}");
        }
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Executable,
                Headless = true,
                Args = [.. Flags, .. flags],
                Timeout = 60_000,
            });
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
            page.SetDefaultTimeout(20_000);
            return new HeadlessChromium(playwright, browser, page);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A stable place at the repository's root for screenshots (artifacts/ is ignored by git).</summary>
    public static string ArtifactPath(string name)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Rx.Mediation.sln"))) directory = directory.Parent;
        var root = directory?.FullName ?? Directory.GetCurrentDirectory();
        var folder = Path.Combine(root, "artifacts", "dashboard");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}

/// <summary>
/// A browser spec: skipped (with the reason) on a machine without chromium, but failed in CI (<c>CI=true</c>), where a
/// missing browser is a broken setup, not a reason to pass.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!HeadlessChromium.IsInstalled && !HeadlessChromium.InCi)
            Skip = $"chromium is not installed at {HeadlessChromium.Executable} (eng/install-deps.sh installs it; in CI this fails instead)";
    }
}
