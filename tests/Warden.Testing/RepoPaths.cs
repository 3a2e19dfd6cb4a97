namespace Warden.Testing;

/// <summary>Locations inside the repository, found from the test assembly's directory.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>The repository root (the folder that holds <c>Warden.slnx</c>).</summary>
    public static string Root => s_root.Value;

    /// <summary>The built <c>warden</c> program (<c>warden.dll</c>) of the same configuration as the tests.</summary>
    public static string WardenDll
    {
        get
        {
#if DEBUG
            const string configuration = "Debug";
#else
            const string configuration = "Release";
#endif
            var path = Path.Combine(Root, "src", "Warden", "bin", configuration, "net10.0", "warden.dll");
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"Build src/Warden ({configuration}) before running process tests.", path);
            }

            return path;
        }
    }

    /// <summary>Folder of the Node.js tests that use the official client SDKs.</summary>
    public static string NodeTests => Path.Combine(Root, "tests", "node");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Warden.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Warden.slnx not found above " + AppContext.BaseDirectory);
    }
}
