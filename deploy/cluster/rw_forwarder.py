#!/usr/bin/env python3
"""The read-write address of deploy/cluster/postgres: forwards each TCP connection to the port
the target file names (the current primary), and on SIGHUP drops every connection it holds, so
that clients reconnect — to the new primary — as they would through a virtual IP or a
Kubernetes Service after a failover. Standard library only; a stand-in for the platform's own
mechanism (HAProxy, a cloud load balancer), which the local stack does not have.
"""
import argparse
import asyncio
import signal


async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", required=True)
    parser.add_argument("--target-file", required=True)
    args = parser.parse_args()
    host, port = args.listen.rsplit(":", 1)
    open_pipes = set()

    async def serve(client_reader, client_writer):
        with open(args.target_file) as f:
            target = int(f.read().strip())
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target)
        except OSError:
            client_writer.close()
            return
        tasks = {asyncio.create_task(pipe(client_reader, server_writer)),
                 asyncio.create_task(pipe(server_reader, client_writer))}
        open_pipes.update(tasks)
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in tasks:
            task.cancel()
        server_writer.close()
        client_writer.close()
        open_pipes.difference_update(tasks)

    def drop_all():
        for task in list(open_pipes):
            task.cancel()

    asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, drop_all)
    server = await asyncio.start_server(serve, host, int(port))
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
