import { toInstance } from './instance.mapper';

describe(toInstance.name, () => {
  it('keeps what choosing an instance needs and drops addresses and billing', () => {
    const wire = {
      instanceId: 'ins-1',
      zoneId: 'FRA-A',
      instanceName: 'web-1',
      instanceStatus: 'STOPPED',
      imageId: 'img-ubuntu-2204',
      imageName: 'Ubuntu-22.04',
      createTime: '2024-01-08T08:11:00Z',
      systemDisk: { diskId: 'disk-1', diskSize: 40, diskCategory: 'Standard NVMe SSD' },
      publicIpAddresses: ['203.0.113.7'],
      privateIpAddresses: ['10.0.0.7'],
      instanceChargeType: 'POSTPAID',
    };
    expect(toInstance(wire)).toEqual({
      id: 'ins-1',
      name: 'web-1',
      zoneId: 'FRA-A',
      status: 'STOPPED',
      systemDisk: { sizeGb: 40, category: 'Standard NVMe SSD' },
      sourceImage: { id: 'img-ubuntu-2204', name: 'Ubuntu-22.04' },
      createdAt: '2024-01-08T08:11:00Z',
    });
  });

  it('reads omitted fields as absent: no disk without a disk id, UNKNOWN for a missing status', () => {
    expect(toInstance({ instanceId: 'ins-2', systemDisk: { diskSize: 40 } })).toEqual({
      id: 'ins-2',
      name: null,
      zoneId: '',
      status: 'UNKNOWN',
      systemDisk: null,
      sourceImage: null,
      createdAt: null,
    });
    expect(toInstance({ instanceId: 'ins-3', imageId: 'img-1', systemDisk: { diskId: 'd' } })).toMatchObject({
      systemDisk: { sizeGb: null, category: null },
      sourceImage: { id: 'img-1', name: null },
    });
  });

  it('shows a status it does not know as it came', () => {
    expect(toInstance({ instanceId: 'ins-4', instanceStatus: 'MIGRATING' }).status).toBe('MIGRATING');
  });
});
