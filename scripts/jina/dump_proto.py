"""Dump the protobuf schema this venv's jina really uses (jina.proto plus the installed docarray's
docarray.proto and the google well-known types) as a FileDescriptorSet and as a readable field
list, into fixtures/jina-captures/<v1|v2>/descriptor-set.bin and proto-fields.txt.

    .jina-envs/v2/bin/python scripts/jina/dump_proto.py
"""

from google.protobuf import descriptor_pb2
from jina.proto import jina_pb2

from probe_common import save_capture

TYPE_NAMES = {value: name[len('TYPE_'):].lower()
              for name, value in descriptor_pb2.FieldDescriptorProto.Type.items()}


def collect(file_descriptor, seen, ordered):
    if file_descriptor.name in seen:
        return
    seen.add(file_descriptor.name)
    for dependency in file_descriptor.dependencies:
        collect(dependency, seen, ordered)
    proto = descriptor_pb2.FileDescriptorProto()
    file_descriptor.CopyToProto(proto)
    ordered.append(proto)


def describe_message(message, prefix, lines):
    name = f'{prefix}.{message.name}' if prefix else message.name
    lines.append(f'message {name}')
    for field in message.field:
        label = 'repeated ' if field.label == descriptor_pb2.FieldDescriptorProto.LABEL_REPEATED else ''
        kind = field.type_name.lstrip('.') if field.type_name else TYPE_NAMES[field.type]
        oneof = f'  (oneof {message.oneof_decl[field.oneof_index].name})' if field.HasField('oneof_index') else ''
        optional = '  (proto3 optional)' if field.proto3_optional else ''
        lines.append(f'  {field.number:>3} {field.name}: {label}{kind}{oneof}{optional}')
    for enum in message.enum_type:
        lines.append(f'  enum {enum.name} {{ ' + ', '.join(f'{v.name} = {v.number}' for v in enum.value) + ' }')
    for nested in message.nested_type:
        if not nested.options.map_entry:
            describe_message(nested, name, lines)


def main():
    ordered = []
    collect(jina_pb2.DESCRIPTOR, set(), ordered)
    descriptor_set = descriptor_pb2.FileDescriptorSet(file=ordered)
    lines = []
    for file in ordered:
        if file.name.startswith('google/'):
            continue
        lines.append(f'# file {file.name}  package {file.package}')
        for message in file.message_type:
            describe_message(message, file.package, lines)
        for service in file.service:
            for method in service.method:
                stream_in = 'stream ' if method.client_streaming else ''
                stream_out = 'stream ' if method.server_streaming else ''
                lines.append(f'rpc /{file.package}.{service.name}/{method.name}({stream_in}{method.input_type.lstrip(".")})'
                             f' -> {stream_out}{method.output_type.lstrip(".")}')
        lines.append('')
    save_capture('descriptor-set.bin', descriptor_set.SerializeToString(), {
        'message': 'google.protobuf.FileDescriptorSet', 'files': [file.name for file in ordered],
        'what': 'the schema the installed jina uses at run time (jina.proto + docarray.proto + deps), dependencies first'})
    save_capture('proto-fields.txt', '\n'.join(lines) + '\n', {'what': 'readable listing of descriptor-set.bin'})


if __name__ == '__main__':
    main()
