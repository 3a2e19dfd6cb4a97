using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace Warden.Hosting;

/// <summary>
/// Runs one or more web applications in this process until SIGINT/SIGTERM (or one of them stops), then stops all of
/// them gracefully. <c>warden serve</c> runs the control plane and the gateway side by side this way.
/// </summary>
internal static class HostRunner
{
    public static async Task<int> RunAsync(IReadOnlyList<WebApplication> apps, Func<Task>? onStarted, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);

        var started = new List<WebApplication>();
        try
        {
            foreach (var app in apps)
            {
                await app.StartAsync(stop.Token);
                started.Add(app);
            }

            if (onStarted is not null)
            {
                await onStarted();
            }

            // Whichever comes first: a signal, or one application stopping by itself (e.g. a failed start-up task).
            var stopped = apps.Select(a => WaitForStoppingAsync(a.Lifetime)).ToList();
            stopped.Add(Task.Delay(Timeout.Infinite, stop.Token));
            await Task.WhenAny(stopped);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            // Stop in reverse order: the gateway drains before the control plane it reports to goes away.
            for (var i = started.Count - 1; i >= 0; i--)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                await started[i].StopAsync(timeout.Token);
                await started[i].DisposeAsync();
            }
        }

        return Environment.ExitCode;

        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }

    private static Task WaitForStoppingAsync(IHostApplicationLifetime lifetime)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStopping.Register(() => tcs.TrySetResult());
        return tcs.Task;
    }
}
